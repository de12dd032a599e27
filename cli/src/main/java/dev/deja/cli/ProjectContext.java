package dev.deja.cli;

import dev.deja.engine.Deja;
import dev.deja.engine.DejaSettings;
import dev.deja.engine.pack.DigestCaches;
import dev.deja.registry.transport.RetryPolicy;
import java.io.PrintWriter;
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
        return deja(spec, false);
    }

    /** As {@link #deja(CommandLine.Model.CommandSpec)}, for a command that will ask the registry. */
    static Deja online(CommandLine.Model.CommandSpec spec) {
        return deja(spec, true);
    }

    private static Deja deja(CommandLine.Model.CommandSpec spec, boolean registryAhead) {
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
                root.debug ? say(err, "deja: debug: ") : null,
                say(err, "deja: "),
                registryAhead));
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
