package dev.deja.cli;

import dev.deja.cli.format.BuildFormat;
import dev.deja.cli.format.CiFormat;
import dev.deja.engine.Deja;
import dev.deja.engine.build.BuildListener;
import dev.deja.engine.report.BuildReport;
import dev.deja.engine.report.ImageResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "build",
        mixinStandardHelpOptions = true,
        description = {
            "Without flags, a developer's build: every image whose state the registry has is pulled, the rest are"
                    + " built into the local daemon (--cache-from the registry); nothing is written to the registry."
                    + " Without a registry (local mode) the daemon's image store is the cache.",
            "With --push (CI): builds every image whose state is not in the registry (docker buildx build, the"
                    + " packed context written out as it was hashed, --cache-from the best existing refs, inline cache,"
                    + " pushed), in"
                    + " dependency order, --jobs at a time; exports builder images (output:). Then gives every image,"
                    + " built or reused, its commit and --tag tags by a manifest PUT (same digest, no layer moves),"
                    + " and the moving tags (branch, latest) only when nothing failed.",
            "Outside CI, an image of uncommitted files (edited, staged or untracked in what it reads; files git"
                    + " ignores do not count) gets its state tag but not the commit, branch or latest tags: they would"
                    + " name content no commit has. The run says which, and why.",
            "An image whose parent failed is skipped; the exit code is then 1.",
            "Without the docker buildx plugin deja says so and builds with DOCKER_BUILDKIT=1 docker build.",
            "Ctrl-C or SIGTERM stops every running builder; branch and latest are moved all together or not at all.",
            "--dry-run says what --push would do and builds nothing (deja plan shows the decisions)."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  deja build --push",
            "  deja build --push --tag release-42 --upto service1",
            "  deja build --push --report r.json --dotenv deja.env   (a GitLab job)",
            "  deja build            (pull what CI built, build the rest into the local daemon)",
            "  deja build --dry-run --push --tag release-42   (what that would write)"
        })
final class BuildCommand implements Callable<Integer> {

    @Option(names = "--push", description = "Build what is missing and write the tags to the registry.")
    boolean push;

    @Option(
            names = "--load",
            description = "A developer's build (the default without --push): pull what the registry has, build the"
                    + " rest into the local daemon (--cache-from the registry). Writes nothing to the registry.")
    boolean load;

    @Option(
            names = "--dry-run",
            description = "Say what build --push would build, reuse and tag; build and write nothing.")
    boolean dryRun;

    @Option(names = "--tag", paramLabel = "TAG", description = "An extra tag for every selected image. Repeatable.")
    List<String> extraTags = new ArrayList<>();

    @Option(
            names = "--jobs",
            paramLabel = "N",
            description = "Builds at a time (default, or 0: the number of" + " cores).")
    int jobs = 0;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description = "Also write the JSON report (per image: name, repository, state, decision, result, digest,"
                    + " tags, cache-from, duration, reason) to FILE.")
    Path reportFile;

    @Option(
            names = "--builder",
            paramLabel = "NAME",
            description = "The buildx builder to build with (default: the"
                    + " current one, see docker buildx ls). A docker-container builder can write cache: registry.")
    String builderName = "";

    @Option(
            names = "--progress",
            paramLabel = "MODE",
            description = "How builds show: plain (every builder line as"
                    + " [image] line, for CI logs), tty (a live status line per image), auto (tty on a terminal outside CI;"
                    + " the default).")
    String progress = "auto";

    @Option(
            names = "--dotenv",
            paramLabel = "FILE",
            description = "Also write GitLab's dotenv report to FILE: per"
                    + " image DEJA_<NAME>_IMAGE (repository@digest) and DEJA_<NAME>_RESULT; DEJA_BUILT,"
                    + " DEJA_REUSED.")
    Path dotenvFile;

    @Option(
            names = "--moving-tags",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Write the moving tags (branch, latest) when every image succeeded (default). A fan-out"
                    + " job passes --no-moving-tags: the last job of the pipeline writes them.")
    boolean movingTags;

    @Option(
            names = "--dev",
            paramLabel = "IMAGE",
            description = "Build the selected images that depend on IMAGE on its local IMAGE:dev (what deja dev"
                    + " commits) instead of its state, into the local daemon (not with --push). Repeatable.")
    List<String> devImages = new ArrayList<>();

    @Mixin
    SelectionOptions selection;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private LiveStatus live;

    @Override
    public Integer call() {
        for (String tag : extraTags) {
            if (!tag.matches("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}")) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--tag " + tag + " is not a valid tag ([a-zA-Z0-9_][a-zA-Z0-9._-]{0,127})");
            }
        }
        if (jobs <= 0) {
            jobs = Runtime.getRuntime().availableProcessors();
        }
        Deja deja = ProjectContext.online(spec);
        Deja.Mode mode = mode(deja);
        if (!devImages.isEmpty() && mode == Deja.Mode.PUSH) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--dev builds on local <image>:dev images and pushes nothing: use it without --push");
        }
        Deja.BuildRequest request =
                new Deja.BuildRequest(selection.selection(), mode, extraTags, movingTags, jobs, builderName, devImages);
        if (dryRun) {
            Deja.DryRun dryRun = deja.dryRun(request);
            PrintWriter out = spec.commandLine().getOut();
            out.print(BuildFormat.dryRun(dryRun.plan(), dryRun.tags()));
            out.flush();
            return ExitCodes.OK;
        }
        BuildListener listener = listener(spec.commandLine().getErr());
        BuildReport report = deja.build(request, listener);
        List<String> moving =
                switch (mode) {
                    case LOCAL -> List.of("latest");
                    case LOAD -> List.of();
                    case PUSH -> deja.tags(request)
                            .movingFor(report.images().stream()
                                    .map(ImageResult::name)
                                    .toList());
                };
        return finish(report, moving);
    }

    /** Where images go; the options that do not fit it are usage errors. */
    private Deja.Mode mode(Deja deja) {
        if (deja.localMode()) {
            if (dryRun) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--dry-run says what --push would do, which needs a registry (deja plan shows what a local"
                                + " build would do)");
            }
            if (push) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--push needs a registry: set registry:"
                                + " in deja.yaml or --registry (without one, deja build loads into the local daemon)");
            }
            if (!extraTags.isEmpty()) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--tag needs a registry (local mode" + " tags <name>:<state> and <name>:latest)");
            }
            return Deja.Mode.LOCAL;
        }
        if (push || dryRun) {
            if (load) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--load writes only to the local daemon: it does not go with --push or --dry-run");
            }
            return Deja.Mode.PUSH;
        }
        if (!extraTags.isEmpty()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--tag is written to the registry: add --push (without it deja build loads into the local"
                            + " daemon)");
        }
        return Deja.Mode.LOAD;
    }

    /** The dotenv report when asked; under GitHub Actions, the step outputs and the step summary. */
    private void writeCiOutputs(BuildReport report) {
        if (dotenvFile != null) {
            String dotenv = CiFormat.dotenv(report);
            write(dotenvFile, dotenv, false);
            PrintWriter err = spec.commandLine().getErr();
            CiFormat.dotenvWarnings(report, dotenv).forEach(warning -> err.println("deja: warning: " + warning));
            err.flush();
        }
        OutputFiles.github(spec, "GITHUB_OUTPUT")
                .ifPresent(file -> write(
                        file,
                        CiFormat.githubOutput(
                                report,
                                reportFile == null
                                        ? ""
                                        : reportFile.toAbsolutePath().toString()),
                        true));
        OutputFiles.github(spec, "GITHUB_STEP_SUMMARY")
                .ifPresent(file -> write(file, CiFormat.stepSummary(report), true));
    }

    /** The build is done by now: a file that cannot be written is said, and the exit code stays the build's. */
    private void write(Path file, String content, boolean append) {
        try {
            OutputFiles.write(file, content, append);
        } catch (IOException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("deja: cannot write " + file + ": " + e.getMessage());
            err.flush();
        }
    }

    private BuildListener listener(PrintWriter err) {
        boolean tty =
                switch (progress) {
                    case "tty" -> true;
                    case "plain" -> false;
                    case "auto" -> ProjectContext.root(spec).interactive;
                    default -> throw new CommandLine.ParameterException(
                            spec.commandLine(), "--progress " + progress + ": use auto, plain or tty");
                };
        if (tty) {
            String columns = ProjectContext.root(spec).environment.getOrDefault("COLUMNS", "");
            live = new LiveStatus(err, columns.matches("\\d{2,4}") ? Integer.parseInt(columns) : 100);
            return live;
        }
        return BuildListener.prefixed(line -> {
            synchronized (err) {
                err.println(line);
                err.flush();
            }
        });
    }

    private int finish(BuildReport report, List<String> movingTags) {
        if (live != null) {
            live.close();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (reportFile != null) {
            write(reportFile, BuildFormat.json(report), false);
        }
        writeCiOutputs(report);
        out.print(BuildFormat.report(report));
        if (!movingTags.isEmpty()) {
            out.println(
                    report.movingTagsWritten()
                            ? "moving tags written: " + String.join(", ", movingTags)
                            : "moving tags (" + String.join(", ", movingTags)
                                    + ") not written: not every image succeeded");
        }
        out.flush();
        return report.succeeded() ? ExitCodes.OK : ExitCodes.BUILD_FAILED;
    }
}
