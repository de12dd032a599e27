package dev.deja.cli;

import dev.deja.cli.format.PlanFormat;
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
            "The state tag is the tag deja gives the image built from exactly this content (see docs/state.md).",
            "Under 'bases: track' the base images' tags are resolved to digests (a registry request per base);",
            "with --offline they are not, and a state that depends on one is marked 'unresolved: <bases>'",
            "(no registry holds it; 'deja lock' with 'bases: lock' gives offline states that are the online ones)."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  deja state",
            "  deja state service1 service2",
            "  deja state --dependents shared",
            "  deja state --offline"
        })
final class StateCommand implements Callable<Integer> {

    @CommandLine.Option(
            names = "--offline",
            description = "Do not resolve base images: states that depend on them are marked unresolved.")
    boolean offline;

    @Mixin
    SelectionOptions selection;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Plan plan = ProjectContext.deja(spec).states(selection.selection(), offline);
        PrintWriter out = spec.commandLine().getOut();
        for (PlannedImage image : plan.images()) {
            out.println(image.name() + " " + image.stateTag()
                    + (image.unresolved().isEmpty() ? "" : " unresolved: " + String.join(",", image.unresolved())));
        }
        out.flush();
        PlanFormat.warnUnresolved(plan, spec.commandLine().getErr());
        return ExitCodes.OK;
    }
}
