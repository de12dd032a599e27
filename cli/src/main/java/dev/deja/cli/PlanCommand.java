package dev.deja.cli;

import dev.deja.engine.Plan;
import dev.deja.engine.report.PlanFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Shows, per image in dependency order, its state and what a build would do with it.",
            "With --offline the registry is not asked and every decision is 'unknown'."},
        footerHeading = "%nExamples:%n",
        footer = {"  deja plan --offline", "  deja plan --offline --json --upto service1"})
final class PlanCommand implements Callable<Integer> {

    @Option(names = "--offline", required = true,
            description = "Do not ask the registry (the only mode until the registry client lands).")
    boolean offline;

    @Option(names = "--json", description = "Print the plan as JSON.")
    boolean json;

    @Mixin
    SelectionOptions selection;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Plan plan = ProjectContext.planner(spec).offline(selection.selection());
        spec.commandLine().getOut().print(json ? PlanFormat.json(plan) : PlanFormat.table(plan));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
