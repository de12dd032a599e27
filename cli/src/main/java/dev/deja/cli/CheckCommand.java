package dev.deja.cli;

import dev.deja.engine.Deja;
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
            "Checks, offline, what would stop the selected images' builds: every COPY/ADD source (and RUN"
                    + " --mount=type=bind source) that is not in the context deja packs for it (missing, left out by"
                    + " .dockerignore, or written for another context), and every RUN --network=host or"
                    + " --security=insecure step whose image is not granted that entitlement (entitlements: in"
                    + " deja.yaml). One 'Dockerfile:line' line each. plan runs the same checks and warns.",
            "Exit code 0 when nothing is found, 2 when something is."
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
        List<String> found = deja.check(selection.selection());
        PrintWriter out = spec.commandLine().getOut();
        found.forEach(out::println);
        if (found.isEmpty()) {
            out.println("every COPY/ADD and RUN --mount source is in its context, every entitlement granted");
        }
        out.flush();
        return found.isEmpty() ? ExitCodes.OK : ExitCodes.USAGE_OR_CONFIG;
    }
}
