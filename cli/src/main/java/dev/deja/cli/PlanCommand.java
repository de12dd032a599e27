package dev.deja.cli;

import dev.deja.cli.format.PlanFormat;
import dev.deja.engine.Deja;
import dev.deja.engine.plan.Plan;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "plan",
        mixinStandardHelpOptions = true,
        description = {
            "Shows, per image in dependency order, its state and what a build would do with it:",
            "reuse (the registry has <repo>:<state tag>), build (it does not) or export (a builder image).",
            "With --offline the registry is not asked and every decision is 'unknown'; under 'bases: track'",
            "base images are then not resolved, and the states that depend on them are marked unresolved."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  deja plan",
            "  deja plan --offline",
            "  deja plan --json --upto service1",
            "  deja plan --registry 127.0.0.1:5000/acme"
        })
final class PlanCommand implements Callable<Integer> {

    @Option(names = "--offline", description = "Do not ask the registry: states only, decisions 'unknown'.")
    boolean offline;

    @Option(names = "--json", description = "Print the plan as JSON.")
    boolean json;

    @Mixin
    SelectionOptions selection;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Deja deja = offline ? ProjectContext.deja(spec) : ProjectContext.online(spec);
        Plan plan = deja.plan(selection.selection(), offline);
        PrintWriter err = spec.commandLine().getErr();
        deja.check(selection.selection()).forEach(found -> err.println("deja: warning: " + found));
        PlanFormat.warnUnresolved(plan, err);
        err.flush();
        spec.commandLine().getOut().print(json ? PlanFormat.json(plan) : PlanFormat.table(plan));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
