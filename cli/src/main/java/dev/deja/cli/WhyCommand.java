package dev.deja.cli;

import dev.deja.cli.format.WhyFormat;
import dev.deja.engine.why.Why;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "why",
        mixinStandardHelpOptions = true,
        description = {
            "Says what makes IMAGE's state differ from an earlier one: files added, removed and changed (content,"
                    + " exec bit, link target), build args, target, platforms, labels, named contexts, base images"
                    + " that moved (old and new digest) and parents that changed, each parent explained in turn.",
            "Without --against it compares with the nearest image the registry has, in the cache-ref order (state"
                    + " tag, branch, default branch, ancestors' commits): what deja built records its inputs and its"
                    + " commit in its labels, and the files of that commit are read from git.",
            "--against REV compares with the image's state at a commit (any revision git resolves), computed from"
                    + " git's objects without touching the working tree; --against s1-… with the registry's image"
                    + " of that state."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  deja why service1",
            "  deja why service1 --against HEAD~3",
            "  deja why service1 --against main",
            "  deja why service1 --json | jq '.changes[].text'"
        })
final class WhyCommand implements Callable<Integer> {

    @Parameters(paramLabel = "IMAGE", description = "The image.")
    String image;

    @Option(
            names = "--against",
            paramLabel = "REV|STATE",
            description = "A git revision, or a state tag (s1-…) the registry has. Default: the nearest image the"
                    + " registry has.")
    String against;

    @Option(names = "--json", description = "Print the differences as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Why why = ProjectContext.deja(spec).why(image, against);
        spec.commandLine().getOut().print(json ? WhyFormat.json(why) : WhyFormat.text(why));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
