package dev.deja.cli;

import dev.deja.engine.docker.DockerDaemon;
import dev.deja.engine.exec.Cancellation;
import dev.deja.packer.InputException;
import dev.deja.registry.RegistryException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;

/** Entry point: the only place that calls {@code System.exit}. */
public final class Main {

    /** How long an interrupted run may take to remove what its stopped builds wrote out. */
    private static final long WIND_DOWN_SECONDS = 10;

    private Main() {}

    public static void main(String[] args) {
        AnnotationsAhead.start(DejaCommand.commandsFor(args));
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        FileOutputStream stderr = new FileOutputStream(FileDescriptor.err);
        Cancellation cancellation = new Cancellation();
        AtomicBoolean finished = new AtomicBoolean();
        CountDownLatch wound = new CountDownLatch(1);
        // Ctrl-C and SIGTERM run the shutdown hooks while the run goes on: stop the builders, and let a moving-tag
        // write that already started finish, so no branch or latest tag is left half-moved. The JVM ends when the
        // hooks do: with builds stopped, the hook waits (a while at most) for the run to wind down, which removes
        // the contexts it wrote out for them (a monorepo's root, hundreds of MB each, were left in the temp folder).
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            if (finished.get()) {
                                return;
                            }
                            int stopped = cancellation.cancel();
                            PrintWriter err =
                                    new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), true);
                            // Nothing was running (deja dev --watch between runs, a plan): nothing to account for.
                            err.println(
                                    stopped == 0
                                            ? "deja: interrupted"
                                            : "deja: interrupted: " + stopped
                                                    + " build(s) stopped; no moving tag was left half-written");
                            err.flush();
                            if (stopped > 0) {
                                try {
                                    wound.await(WIND_DOWN_SECONDS, TimeUnit.SECONDS);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                        },
                        "deja-interrupt"));
        Map<String, String> environment = System.getenv();
        boolean interactive =
                System.console() != null && !environment.containsKey("CI") && !"dumb".equals(environment.get("TERM"));
        int code = run(args, stdout, stderr, environment, cancellation, interactive);
        finished.set(true);
        wound.countDown();
        ArchiveTraining.loadListedClasses();
        System.exit(code);
    }

    /** {@link #run(String[], OutputStream, OutputStream, Map, Cancellation, boolean)} that nothing stops from outside. */
    public static int run(String[] args, OutputStream stdout, OutputStream stderr, Map<String, String> environment) {
        return run(args, stdout, stderr, environment, Cancellation.never(), false);
    }

    /**
     * Runs deja and returns the exit code (for tests and for {@link #main}).
     *
     * @param stdout where results go (binary: {@code context -o -} writes a tar there)
     * @param stderr where errors and progress go
     * @param environment the environment variables deja reads ({@code DEJA_DIGEST_CACHE}, …)
     * @param cancellation how a signal stops the run
     * @param interactive  a person watches a terminal (live build status instead of prefixed lines)
     */
    public static int run(
            String[] args,
            OutputStream stdout,
            OutputStream stderr,
            Map<String, String> environment,
            Cancellation cancellation,
            boolean interactive) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), true);
        CommandLine cli = new CommandLine(new DejaCommand(
                stdout,
                environment,
                cancellation,
                interactive,
                ProjectContext.retryPolicy(System.getProperty("deja.registry.attempts"))));
        DejaCommand.commandsFor(args).forEach(cli::addSubcommand);
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setUsageHelpAutoWidth(true);
        cli.setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
            if (exception instanceof InputException input) {
                input.earlier().forEach(noticed -> err.println("deja: warning: " + noticed));
                err.println("deja: error: " + input.describe(Path.of("").toAbsolutePath()));
                err.flush();
                return ExitCodes.USAGE_OR_CONFIG;
            }
            if (exception instanceof DockerDaemon.DaemonException daemon) {
                err.println("deja: docker error: " + daemon.getMessage());
                err.flush();
                return ExitCodes.UNREACHABLE;
            }
            if (exception instanceof RegistryException registry) {
                err.println("deja: registry error: " + registry.getMessage());
                err.flush();
                return ExitCodes.UNREACHABLE;
            }
            throw exception;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
