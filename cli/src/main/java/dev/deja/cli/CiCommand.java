package dev.deja.cli;

import dev.deja.cli.format.FanOutFormat;
import dev.deja.engine.Deja;
import dev.deja.engine.plan.FanOut;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "ci",
        mixinStandardHelpOptions = true,
        description = {
            "Spreads the builds of this commit over the CI system's own jobs (fan-out): asks the registry"
                    + " which images must be built and writes the CI configuration that builds each in a job of its own,"
                    + " after its parents, retags the reused images in one job, and moves branch/latest in a last job"
                    + " only when every other job succeeded."
        },
        subcommands = {CiCommand.GitLab.class, CiCommand.GitHub.class, CommandLine.HelpCommand.class})
final class CiCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say which CI: deja ci gitlab | deja ci github");
    }

    /** The online plan of the selection, spread into jobs; fan-out needs a registry. */
    static FanOut fanOut(CommandLine.Model.CommandSpec spec, SelectionOptions selection) {
        Deja deja = ProjectContext.deja(spec);
        if (deja.localMode()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "fan-out needs a registry: the jobs of a"
                            + " pipeline share images only through one (set registry: in deja.yaml or --registry)");
        }
        return deja.fanOut(selection.selection());
    }

    /** Writes to {@code output} ({@code -} or none: standard output); a file that cannot be written is an error. */
    static void write(CommandLine.Model.CommandSpec spec, Path output, String content, boolean append) {
        if (output == null || output.toString().equals("-")) {
            spec.commandLine().getOut().print(content);
            spec.commandLine().getOut().flush();
            return;
        }
        try {
            OutputFiles.write(output, content, append);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "cannot write " + output + ": " + e.getMessage());
        }
    }

    @Command(
            name = "gitlab",
            mixinStandardHelpOptions = true,
            description = {
                "Writes a GitLab child pipeline: one job per image to build (needs: its parents' jobs),"
                        + " one job retagging the reused images, and a last stage whose job runs deja build --push for"
                        + " the whole selection, writing the moving tags and the dotenv report. Run it from a job and"
                        + " trigger the file with trigger: include: artifact:."
            },
            footerHeading = "%nExamples:%n",
            footer = {
                "  deja ci gitlab -o deja-pipeline.yml",
                "  deja ci gitlab -o deja-pipeline.yml --image registry.example.com/tools/deja:0.1.0",
                "  deja ci gitlab -o p.yml --before-script 'docker login -u \"$CI_REGISTRY_USER\" --password-stdin"
                        + " \"$CI_REGISTRY\" <<< \"$CI_REGISTRY_PASSWORD\"'"
            })
    static final class GitLab implements Callable<Integer> {

        @Option(
                names = {"-o", "--output"},
                paramLabel = "FILE",
                description = "Where the pipeline goes (default: -," + " standard output).")
        Path output;

        @Option(names = "--image", paramLabel = "IMAGE", description = "The jobs' image (default: the runner's).")
        String image = "";

        @Option(
                names = "--service",
                paramLabel = "IMAGE",
                description = "A service of every job (a Docker daemon:" + " docker:27-dind). Repeatable.")
        List<String> services = new ArrayList<>();

        @Option(
                names = "--before-script",
                paramLabel = "COMMAND",
                description = "A command every job runs first" + " (install deja, log in). Repeatable.")
        List<String> beforeScript = new ArrayList<>();

        @Option(names = "--deja", paramLabel = "COMMAND", description = "How the jobs start deja (default: deja).")
        String deja = "deja";

        @Mixin
        SelectionOptions selection;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            FanOut fanOut = fanOut(spec, selection);
            String header = "# Written by deja ci gitlab: " + fanOut.builds().size() + " image(s) to build, "
                    + fanOut.reused().size() + " to retag.\n";
            write(
                    spec,
                    output,
                    FanOutFormat.gitlab(
                            fanOut,
                            new FanOutFormat.GitLabJobs(
                                    dejaCommand(spec, deja),
                                    ProjectContext.root(spec).directory.toString(),
                                    selectionArguments(selection),
                                    image,
                                    services,
                                    beforeScript),
                            header),
                    false);
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "github",
            mixinStandardHelpOptions = true,
            description = {
                "Writes the matrices of a GitHub Actions run: {\"levels\": [{\"image\": [...]}, ...],"
                        + " \"build\": [...], \"reused\": [...]}, one matrix per graph level with something to build."
                        + " Under GitHub Actions it also sets the step outputs levels, level-0 … level-N (each a"
                        + " strategy.matrix, empty past the last level) and matrix."
            },
            footerHeading = "%nExamples:%n",
            footer = {"  deja ci github", "  deja ci github --max-levels 6 -o matrix.json"})
    static final class GitHub implements Callable<Integer> {

        @Option(
                names = {"-o", "--output"},
                paramLabel = "FILE",
                description = "Where the JSON goes (default: -).")
        Path output;

        @Option(
                names = "--max-levels",
                paramLabel = "N",
                description = "The level jobs the workflow has"
                        + " (default: 6): more levels to build is an error, not a silently skipped level.")
        int maxLevels = 6;

        @Mixin
        SelectionOptions selection;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            FanOut fanOut = fanOut(spec, selection);
            if (fanOut.levels().size() > maxLevels) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        fanOut.levels().size() + " levels to"
                                + " build, the workflow has " + maxLevels + " level jobs: add level jobs and pass"
                                + " --max-levels");
            }
            write(spec, output, FanOutFormat.github(fanOut) + "\n", false);
            OutputFiles.github(spec, "GITHUB_OUTPUT")
                    .ifPresent(file -> write(spec, file, FanOutFormat.githubOutput(fanOut, maxLevels), true));
            return ExitCodes.OK;
        }
    }

    /** {@code deja} with the global options of this run that the jobs need too. */
    static String dejaCommand(CommandLine.Model.CommandSpec spec, String deja) {
        DejaCommand root = ProjectContext.root(spec);
        List<String> words = new ArrayList<>(List.of(deja));
        if (!root.directory.toString().isEmpty()) {
            words.addAll(List.of("-C", root.directory.toString()));
        }
        if (root.config != null) {
            words.addAll(List.of("-c", root.config.toString()));
        }
        if (root.registry != null) {
            words.addAll(List.of("--registry", root.registry));
        }
        root.insecureRegistries.forEach(r -> words.addAll(List.of("--insecure-registry", r)));
        return String.join(" ", words);
    }

    static List<String> selectionArguments(SelectionOptions selection) {
        List<String> args = new ArrayList<>(selection.names);
        selection.upto.forEach(n -> args.addAll(List.of("--upto", n)));
        selection.dependents.forEach(n -> args.addAll(List.of("--dependents", n)));
        selection.exclude.forEach(n -> args.addAll(List.of("--exclude", n)));
        return args;
    }
}
