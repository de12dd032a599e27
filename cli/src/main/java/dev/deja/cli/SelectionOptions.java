package dev.deja.cli;

import dev.deja.engine.graph.Selection;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The image selectors shared by every command that acts on several images. */
final class SelectionOptions {

    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Only these images (exact names). Default: all.")
    List<String> names = new ArrayList<>();

    @Option(names = "--upto", paramLabel = "IMAGE", description = "IMAGE and every image it depends on.")
    List<String> upto = new ArrayList<>();

    @Option(names = "--dependents", paramLabel = "IMAGE", description = "IMAGE and every image that depends on it.")
    List<String> dependents = new ArrayList<>();

    @Option(
            names = "--exclude",
            paramLabel = "IMAGE",
            description = "Leave out IMAGE and every image that depends on it.")
    List<String> exclude = new ArrayList<>();

    Selection selection() {
        return new Selection(names, upto, dependents, exclude);
    }
}
