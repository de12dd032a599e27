package dev.deja.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "cache-ref",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the best --cache-from reference for IMAGE: its current state tag, else the branch"
                    + " tag, else the default branch's tag, else the commit tag of the nearest first-parent ancestor"
                    + " that has one. Prints nothing (exit 0) when the registry has none of them."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  docker buildx build --cache-from \"$(deja cache-ref service1 --format buildx)\" …",
            "  deja cache-ref service1"
        })
final class CacheRefCommand implements Callable<Integer> {

    enum Format {
        REF,
        BUILDX
    }

    @Parameters(paramLabel = "IMAGE", description = "The image.")
    String image;

    @Option(
            names = "--format",
            defaultValue = "ref",
            paramLabel = "FORMAT",
            description = "ref (<repo>:<tag>) or buildx (type=registry,ref=<repo>:<tag>). Default: ${DEFAULT-VALUE}.")
    Format format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Optional<String> ref = ProjectContext.deja(spec).cacheRef(image);
        ref.ifPresent(r -> spec.commandLine().getOut().println(format == Format.BUILDX ? "type=registry,ref=" + r : r));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
