package dev.deja.cli;

import dev.deja.engine.GitFacts;
import dev.deja.engine.ImageTags;
import dev.deja.engine.Plan;
import dev.deja.engine.Planner;
import dev.deja.engine.Promoter;
import dev.deja.engine.report.BuildFormat;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"Reuses every image whose state is in the registry: adds the commit, branch and --tag tags"
                + " by a manifest PUT (same digest, no layer moves). Moving tags (branch, latest) are written only"
                + " when every selected image was reused.",
            "Without --push nothing is written: deja says what it would do.",
            "Building missing images arrives with the build issue; today they are listed as 'needs a build'"
                    + " and the exit code is 1."},
        footerHeading = "%nExamples:%n",
        footer = {"  deja build --push", "  deja build --push --tag release-42 service1",
            "  deja build            (a dry run: what --push would write)"})
final class BuildCommand implements Callable<Integer> {

    @Option(names = "--push", description = "Write the tags to the registry.")
    boolean push;

    @Option(names = "--tag", paramLabel = "TAG", description = "An extra tag for every selected image. Repeatable.")
    List<String> extraTags = new ArrayList<>();

    @Mixin
    SelectionOptions selection;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        for (String tag : extraTags) {
            if (!tag.matches("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--tag " + tag
                        + " is not a valid tag ([a-zA-Z0-9_][a-zA-Z0-9._-]{0,127})");
            }
        }
        Planner planner = ProjectContext.planner(spec);
        var registry = ProjectContext.registry(spec);
        Plan plan = planner.online(selection.selection(), registry, push);
        GitFacts git = ProjectContext.git(spec, planner.graph());
        ImageTags tags = ImageTags.of(planner.graph().project().config().tags(), git, extraTags);
        PrintWriter out = spec.commandLine().getOut();
        if (!push) {
            out.print(BuildFormat.dryRun(plan, tags));
            out.flush();
            return ExitCodes.OK;
        }
        Promoter.Result result = new Promoter(registry).promote(plan, tags);
        out.print(BuildFormat.table(result));
        List<Promoter.Outcome> notBuilt = result.notBuilt();
        if (!tags.moving().isEmpty()) {
            out.println(result.movingTagsWritten()
                    ? "moving tags written: " + String.join(", ", tags.moving())
                    : "moving tags (" + String.join(", ", tags.moving()) + ") not written: not every image was"
                            + " reused");
        }
        out.flush();
        if (!notBuilt.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("deja: " + notBuilt.size() + " image(s) need a build, which arrives with the build issue: "
                    + String.join(", ", notBuilt.stream().map(Promoter.Outcome::name).toList()));
            err.flush();
            return ExitCodes.BUILD_FAILED;
        }
        return ExitCodes.OK;
    }

}
