package dev.deja.cli;

import dev.deja.cli.format.ManPage;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
        name = "man",
        mixinStandardHelpOptions = true,
        description = {"Prints deja's man page (roff), written from the same definitions as --help."},
        footerHeading = "%nExamples:%n",
        footer = {"  deja man > /usr/local/share/man/man1/deja.1 && mandb -q", "  deja man | man -l -"})
final class ManCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String version = spec.root().version().length > 0 ? spec.root().version()[0] : "deja";
        spec.commandLine().getOut().print(ManPage.render(spec.root().commandLine(), version));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
