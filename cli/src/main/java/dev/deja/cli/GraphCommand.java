package dev.deja.cli;

import dev.deja.cli.format.GraphFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "graph",
        mixinStandardHelpOptions = true,
        description = "Prints the images and what each depends on (FROM, COPY --from, depends_on), parents first.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  deja graph",
            "  deja graph --format dot | dot -Tsvg > graph.svg",
            "  deja graph --format mermaid --dependents shared"
        })
final class GraphCommand implements Callable<Integer> {

    @Option(
            names = "--format",
            defaultValue = "text",
            paramLabel = "FORMAT",
            description = "text, dot, mermaid or json (default: ${DEFAULT-VALUE}).")
    GraphFormat format;

    @Mixin
    SelectionOptions selection;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var graph = ProjectContext.deja(spec).graph();
        spec.commandLine()
                .getOut()
                .print(format.render(graph, selection.selection().apply(graph)));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
