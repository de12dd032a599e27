package dev.deja.cli;

import dev.deja.engine.Deja;
import dev.deja.engine.pack.ContextCheck;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Checks, offline, that every COPY/ADD source (and RUN --mount=type=bind source) of the selected images is"
                    + " in the context deja packs for"
                    + " it: one 'Dockerfile:line' line per source that is not (missing, left out by .dockerignore, or"
                    + " written for another context). plan runs the same check and warns.",
            "Exit code 0 when every source is there, 2 when one is not."
        },
        footerHeading = "%nExamples:%n",
        footer = {"  deja check", "  deja check api worker"})
final class CheckCommand implements Callable<Integer> {

    @Mixin
    SelectionOptions selection;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Deja deja = ProjectContext.deja(spec);
        List<ContextCheck.Missing> missing = deja.check(selection.selection());
        PrintWriter out = spec.commandLine().getOut();
        missing.forEach(m -> out.println(m.describe(deja.graph().project().root())));
        if (missing.isEmpty()) {
            out.println("every COPY/ADD and RUN --mount source is in its context");
        }
        out.flush();
        return missing.isEmpty() ? ExitCodes.OK : ExitCodes.USAGE_OR_CONFIG;
    }
}
