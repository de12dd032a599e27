package dev.deja.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the shell completion script for deja: its commands, their options and option values, generated"
                    + " from the same definitions as --help. Bash, and zsh through bashcompinit."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  source <(deja completion bash)                       # this shell",
            "  deja completion bash > /etc/bash_completion.d/deja    # every shell",
            "  autoload -U +X bashcompinit && bashcompinit && source <(deja completion zsh)"
        })
final class CompletionCommand implements Callable<Integer> {

    enum Shell {
        BASH,
        ZSH
    }

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        // picocli's script serves both: zsh runs it through bashcompinit.
        spec.commandLine().getOut().print(AutoComplete.bash("deja", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
