package dev.deja.cli;

import dev.deja.engine.Deja;
import dev.deja.engine.dev.DevLoop;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "dev",
        mixinStandardHelpOptions = true,
        description = {
            "The incremental development loop of one image, in seconds instead of a build: its image is built once,"
                    + " then a long-running dev container of it (deja-dev-<project>-<image>) receives only the"
                    + " files that changed, runs the image's incremental build, and is committed as <image>:dev.",
            "The image needs a dev: block in deja.yaml:",
            "  dev:",
            "    command: make -j4          # the incremental build, run in the container by /bin/sh -c",
            "    sync: [src]                # repo paths copied in (default: the whole context)",
            "    workdir: /app              # where they land (default: the image's WORKDIR)",
            "    restart: api               # optional: a container or compose service restarted after",
            "The first run makes the image of its state local (pulled, else built), starts the container and"
                    + " commits it. Each later run copies the changed and added files in one tar stream (compared"
                    + " by content digest, never by time), deletes the removed ones, runs the command and, when it"
                    + " succeeds, commits <image>:dev; when it fails, nothing is committed and the exit code is 1.",
            "A changed Dockerfile or parent is said; --rebase then starts over from a fresh image."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  deja dev api                 # sync, build, commit api:dev",
            "  deja dev api --watch         # again on every change, until Ctrl-C",
            "  deja dev api --shell         # a shell in the dev container",
            "  deja dev api --clean         # remove the container and api:dev"
        })
final class DevCommand implements Callable<Integer> {

    @Parameters(paramLabel = "IMAGE", description = "The image (it needs a dev: block).")
    String image;

    @Option(names = "--watch", description = "Run again on every change of the synced files, until Ctrl-C.")
    boolean watch;

    @Option(names = "--shell", description = "Open a shell in the running dev container.")
    boolean shell;

    @Option(names = "--clean", description = "Remove the dev container and the <image>:dev tag.")
    boolean clean;

    @Option(
            names = "--rebase",
            description = "When the Dockerfile, a parent or a build setting changed since the container started:"
                    + " start over from a fresh image.")
    boolean rebase;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Deja deja = ProjectContext.deja(spec);
        PrintWriter err = spec.commandLine().getErr();
        DevLoop loop = deja.devLoop(image, line -> {
            err.println(line);
            err.flush();
        });
        if (clean) {
            loop.clean();
            spec.commandLine().getOut().println("removed " + loop.containerName() + " and " + loop.devTag());
            return ExitCodes.OK;
        }
        if (shell) {
            return new ProcessBuilder(loop.shellCommand()).inheritIO().start().waitFor();
        }
        if (watch) {
            int[] last = {0};
            loop.watch(deja.freshPackers(image), rebase, ProjectContext.root(spec).cancellation, run -> {
                say(loop, run);
                last[0] = run.failed() ? ExitCodes.BUILD_FAILED : ExitCodes.OK;
            });
            return last[0];
        }
        DevLoop.Run run = loop.run(deja.freshPackers(image).get(), rebase);
        say(loop, run);
        return run.failed() ? ExitCodes.BUILD_FAILED : ExitCodes.OK;
    }

    private void say(DevLoop loop, DevLoop.Run run) {
        PrintWriter out = spec.commandLine().getOut();
        String result = run.failed()
                ? "failed (exit " + run.exitCode() + "), " + loop.devTag() + " unchanged"
                : run.committed().isEmpty() ? "nothing to do" : loop.devTag() + " " + run.committed();
        out.println(String.format(
                Locale.ROOT,
                "%s: %s%s; copied %d, removed %d; copy %.2f s, command %.2f s, commit %.2f s",
                loop.containerName(),
                run.started() ? "started, " : "",
                result,
                run.copied().size(),
                run.removed().size(),
                run.copy().toMillis() / 1000.0,
                run.command().toMillis() / 1000.0,
                run.commit().toMillis() / 1000.0));
        out.flush();
    }
}
