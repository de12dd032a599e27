package dev.deja.cli;

import dev.deja.engine.plan.Plan;
import dev.deja.engine.plan.PlannedImage;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "state",
        mixinStandardHelpOptions = true,
        description = {
            "Prints one 'NAME STATE-TAG' line per image, parents first.",
            "The state tag is the tag deja gives the image built from exactly this content (see docs/state.md)."
        },
        footerHeading = "%nExamples:%n",
        footer = {"  deja state", "  deja state service1 service2", "  deja state --dependents shared"})
final class StateCommand implements Callable<Integer> {

    @Mixin
    SelectionOptions selection;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Plan plan = ProjectContext.deja(spec).states(selection.selection());
        PrintWriter out = spec.commandLine().getOut();
        for (PlannedImage image : plan.images()) {
            out.println(image.name() + " " + image.stateTag());
        }
        out.flush();
        return ExitCodes.OK;
    }
}
