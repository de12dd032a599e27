package dev.deja.cli;

import dev.deja.engine.CacheRefs;
import dev.deja.engine.GitFacts;
import dev.deja.engine.Planner;
import dev.deja.engine.Selection;
import dev.deja.packer.state.State;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "cache-ref", mixinStandardHelpOptions = true,
        description = {"Prints the best --cache-from reference for IMAGE: its current state tag, else the branch"
                + " tag, else the default branch's tag, else the commit tag of the nearest first-parent ancestor"
                + " that has one. Prints nothing (exit 0) when the registry has none of them."},
        footerHeading = "%nExamples:%n",
        footer = {"  docker buildx build --cache-from \"$(deja cache-ref service1 --format buildx)\" …",
            "  deja cache-ref service1"})
final class CacheRefCommand implements Callable<Integer> {

    enum Format { REF, BUILDX }

    @Parameters(paramLabel = "IMAGE", description = "The image.")
    String image;

    @Option(names = "--format", defaultValue = "ref", paramLabel = "FORMAT",
            description = "ref (<repo>:<tag>) or buildx (type=registry,ref=<repo>:<tag>). Default: ${DEFAULT-VALUE}.")
    Format format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Planner planner = ProjectContext.planner(spec);
        String name = Selection.of(List.of(image)).apply(planner.graph()).get(0);
        State state = planner.packer().state(name);
        planner.saveDigests();
        GitFacts git = ProjectContext.git(spec, planner.graph());
        Optional<String> ref = CacheRefs.find(ProjectContext.registry(spec),
                planner.graph().project().repository(name), state, git);
        ref.ifPresent(r -> spec.commandLine().getOut().println(format == Format.BUILDX ? "type=registry,ref=" + r : r));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
