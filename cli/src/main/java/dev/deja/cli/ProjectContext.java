package dev.deja.cli;

import dev.deja.engine.Deja;
import dev.deja.engine.DejaSettings;
import dev.deja.engine.pack.DigestCaches;
import dev.deja.registry.transport.RetryPolicy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;
import picocli.CommandLine;

/** The global options of a run turned into the engine's façade. */
final class ProjectContext {

    private ProjectContext() {}

    static DejaCommand root(CommandLine.Model.CommandSpec spec) {
        return (DejaCommand) spec.root().userObject();
    }

    /** The project of this run, loaded. */
    static Deja deja(CommandLine.Model.CommandSpec spec) {
        return deja(spec, false, false);
    }

    /** As {@link #deja(CommandLine.Model.CommandSpec)}, for a command that will ask the registry. */
    static Deja online(CommandLine.Model.CommandSpec spec) {
        return deja(spec, true, false);
    }

    /** As {@link #deja(CommandLine.Model.CommandSpec)}, for {@code deja init}: see {@link DejaSettings#drafting}. */
    static Deja drafting(CommandLine.Model.CommandSpec spec) {
        return deja(spec, false, true);
    }

    private static Deja deja(CommandLine.Model.CommandSpec spec, boolean registryAhead, boolean drafting) {
        DejaCommand root = root(spec);
        PrintWriter err = spec.commandLine().getErr();
        return new Deja(new DejaSettings(
                root.directory,
                root.config,
                root.registry,
                root.insecureRegistries,
                root.digestCache == null
                        ? root.environment
                        : DejaSettings.withVariable(root.environment, DigestCaches.VARIABLE, root.digestCache),
                root.cancellation,
                root.retry,
                root.debug ? timed(say(err, "deja: debug: ")) : null,
                say(err, "deja: "),
                registryAhead,
                drafting));
    }

    /** Lines to standard error, whole even when build threads say things at once. */
    private static Consumer<String> say(PrintWriter err, String prefix) {
        return line -> {
            synchronized (err) {
                err.println(prefix + line);
                err.flush();
            }
        };
    }

    /**
     * Debug lines with the time since the process started, so that a slow run shows where its time went (the
     * JVM's own start included).
     */
    private static Consumer<String> timed(Consumer<String> lines) {
        double startedAt = secondsSinceStart();
        long firstLine = System.nanoTime();
        return line -> lines.accept(
                String.format(Locale.ROOT, "[%.2f s] %s", startedAt + (System.nanoTime() - firstLine) / 1e9, line));
    }

    /**
     * How long this process has run, to a clock tick: the system's uptime less the process's start in ticks since
     * boot (Linux's /proc; 0 elsewhere). The JDK's own start instant is rounded to the boot time's whole second.
     */
    private static double secondsSinceStart() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            double uptime =
                    Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
            return Math.max(0, uptime - Long.parseLong(fields[19]) / (double) CLOCK_TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** USER_HZ, which Linux fixes at 100 on every architecture deja runs on. */
    private static final int CLOCK_TICKS_PER_SECOND = 100;

    /**
     * The launcher's class-data run sets {@code deja.registry.attempts=1}: it must not wait for retries.
     */
    static RetryPolicy retryPolicy(String attempts) {
        RetryPolicy standard = RetryPolicy.DEFAULT;
        if (attempts == null || !attempts.matches("\\d+")) {
            return standard;
        }
        return new RetryPolicy(Math.max(1, Integer.parseInt(attempts)), standard.baseDelay(), standard.maxDelay());
    }
}
