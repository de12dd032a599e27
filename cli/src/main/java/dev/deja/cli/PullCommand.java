package dev.deja.cli;

import dev.deja.cli.format.Table;
import dev.deja.engine.Deja;
import dev.deja.engine.build.Puller;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "pull",
        mixinStandardHelpOptions = true,
        description = {
            "Pulls every image whose state is in the registry into the local daemon and tags it"
                    + " <name>:latest: the local cache holds exactly what CI built for this checkout.",
            "Images whose state is missing are listed; deja build --load builds them locally."
        },
        footerHeading = "%nExamples:%n",
        footer = {"  deja pull", "  deja pull --upto service1"})
final class PullCommand implements Callable<Integer> {

    @Option(names = "--jobs", paramLabel = "N", description = "Pulls at a time (default: 4).")
    int jobs = 4;

    @Mixin
    SelectionOptions selection;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Deja deja = ProjectContext.deja(spec);
        if (deja.localMode()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "pull needs a registry: set registry: in" + " deja.yaml or --registry");
        }
        List<Puller.Pulled> pulled = deja.pull(selection.selection(), jobs);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"IMAGE", "PULLED", "LOCAL TAG", "TIME", "REASON"});
        for (Puller.Pulled p : pulled) {
            rows.add(new String[] {
                p.name(),
                p.localTag().isEmpty() ? "-" : p.ref(),
                p.localTag().isEmpty() ? "-" : p.localTag(),
                String.format(Locale.ROOT, "%.1fs", p.duration().toMillis() / 1000.0),
                p.reason()
            });
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(Table.render(rows));
        out.flush();
        return ExitCodes.OK;
    }
}
