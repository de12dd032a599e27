package dev.deja.cli;

import dev.deja.cli.format.EnvFormat;
import dev.deja.engine.Deja;
import dev.deja.engine.plan.Decision;
import dev.deja.engine.plan.Plan;
import dev.deja.engine.plan.PlannedImage;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "env",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the reference of every image's current state: <repository>:<state tag>, with @<digest> when the"
                    + " registry has it (local mode: <name>:<state tag>).",
            "dotenv: DEJA_<NAME>_IMAGE=<reference> lines. compose: an override file that sets image: on every"
                    + " compose service that runs a deja image (the services of its compose build definition, or"
                    + " compose-service: in deja.yaml), so that compose runs exactly what deja built. json: all of"
                    + " it, with whether each image exists.",
            "An image not built yet is printed all the same and said on stderr: deja build --push (or --load)"
                    + " makes it; deja pull makes reused ones local.",
            "Write the compose override as compose.deja.yaml at the project root: deja leaves that file out of"
                    + " every context, so writing it changes no state."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  deja env --format compose > compose.deja.yaml",
            "  deja pull && docker compose -f compose.yaml -f compose.deja.yaml up -d",
            "  deja env > .env.deja && . ./.env.deja && docker run \"$DEJA_API_IMAGE\"",
            "  deja env api --format json"
        })
final class EnvCommand implements Callable<Integer> {

    enum Format {
        DOTENV,
        COMPOSE,
        JSON
    }

    @Option(
            names = "--format",
            defaultValue = "dotenv",
            paramLabel = "FORMAT",
            description = "dotenv, compose or json. Default: ${DEFAULT-VALUE}.")
    Format format;

    @Mixin
    SelectionOptions selection;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Deja deja = ProjectContext.deja(spec);
        Function<String, List<String>> services =
                name -> deja.graph().project().byName().get(name).composeServices();
        PrintWriter err = spec.commandLine().getErr();
        // Said before the registry or daemon is asked: no answer of theirs would change it.
        if (format == Format.COMPOSE
                && selection.selection().apply(deja.graph()).stream()
                        .allMatch(name -> services.apply(name).isEmpty())) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "no selected image runs as a compose service: deja knows them from a compose project (from:"
                            + " compose.yaml, or no deja.yaml beside compose.yaml), or from compose-service: in an"
                            + " image of deja.yaml");
        }
        Plan plan = deja.current(selection.selection());
        List<String> missing = plan.images().stream()
                .filter(image -> image.decision() == Decision.BUILD)
                .map(PlannedImage::name)
                .toList();
        if (!missing.isEmpty()) {
            err.println("deja: warning: not built yet (no image of its state "
                    + (deja.localMode() ? "in the daemon" : "in the registry") + "): " + String.join(", ", missing)
                    + "; deja build " + (deja.localMode() ? "" : "--push or --load ") + "makes "
                    + (missing.size() == 1 ? "it" : "them"));
            err.flush();
        }
        EnvFormat env = new EnvFormat(services, !deja.localMode());
        String out =
                switch (format) {
                    case DOTENV -> env.dotenv(plan);
                    case COMPOSE -> env.compose(plan);
                    case JSON -> env.json(plan);
                };
        spec.commandLine().getOut().print(out);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
