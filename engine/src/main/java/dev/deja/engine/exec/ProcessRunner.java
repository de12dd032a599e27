package dev.deja.engine.exec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Every external program deja runs (git, the docker CLI) goes through here, with one error policy: a program that
 * cannot be started, does not finish in time, or is interrupted is a {@link ProcessException}; its exit code and
 * output are the caller's to judge. The executable is looked up on the given environment's {@code PATH} (the JDK
 * would use deja's own), and the run's {@link Cancellation} stops streamed processes.
 */
public final class ProcessRunner {

    /** What goes to a process's standard input (a context tar), written from a thread of its own. */
    @FunctionalInterface
    public interface StdinWriter {
        void write(OutputStream stdin) throws IOException;
    }

    /** A finished process: its exit code and its output (standard error merged in when asked). */
    public record Result(int code, String output) {
        public boolean succeeded() {
            return code == 0;
        }

        public String firstLine() {
            return output.strip().lines().findFirst().orElse("").strip();
        }
    }

    /** A program could not be run to its end: not found, too slow, interrupted, or its output unreadable. */
    public static final class ProcessException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ProcessException(String message) {
            super(message);
        }
    }

    private final Map<String, String> environment;
    private final Cancellation cancellation;

    /**
     * @param environment  the child's whole environment; {@code null} to inherit deja's own (git, which needs the
     *                     user's git configuration)
     * @param cancellation stops streamed processes when the run is stopped
     */
    public ProcessRunner(Map<String, String> environment, Cancellation cancellation) {
        this.environment = environment == null ? null : Map.copyOf(environment);
        this.cancellation = cancellation;
    }

    /** Runs a short command to its end and keeps its output; standard error is merged in or dropped. */
    public Result capture(Path directory, List<String> command, boolean withStderr, Duration timeout) {
        ProcessBuilder builder = builder(command);
        if (directory != null) {
            // Absolute: a process cannot start in the empty path (deja's own folder when no -C is given).
            builder.directory(directory.toAbsolutePath().toFile());
        }
        if (withStderr) {
            builder.redirectErrorStream(true);
        } else {
            builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        Process process = start(builder, command);
        try {
            process.getOutputStream().close();
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new ProcessException(describe(command) + " did not answer within " + timeout.toSeconds() + " s");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new ProcessException("reading the output of " + describe(command) + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
            throw new ProcessException("interrupted");
        }
    }

    /**
     * Runs a long command (a build), feeding {@code stdin} (or nothing) and passing every output line (standard
     * error merged) to {@code lines}; tracked by the run's cancellation.
     *
     * @return the exit code
     * @throws ProcessException when it cannot start, its output cannot be read, its input could not be written, or
     *                          the run is cancelled
     */
    public int stream(String name, List<String> command, StdinWriter stdin, Consumer<String> lines) {
        if (cancellation.cancelled()) {
            throw new ProcessException("interrupted");
        }
        Process process = start(builder(command).redirectErrorStream(true), command);
        cancellation.started(process);
        try {
            AtomicReference<Exception> feedFailure = new AtomicReference<>();
            Thread feeder = new Thread(
                    () -> {
                        try (OutputStream out = process.getOutputStream()) {
                            if (stdin != null) {
                                stdin.write(out);
                            }
                        } catch (IOException | RuntimeException e) {
                            feedFailure.set(e);
                        }
                    },
                    "deja-stdin-" + name);
            feeder.start();
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.accept(line);
                }
            }
            int code = process.waitFor();
            feeder.join();
            if (feedFailure.get() != null && !cancellation.cancelled()) {
                throw new ProcessException(
                        "sending the context failed: " + feedFailure.get().getMessage()
                                + (code != 0 ? " (the builder exited with " + code + ")" : ""));
            }
            return code;
        } catch (IOException e) {
            throw new ProcessException("reading the builder's output failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
            throw new ProcessException("interrupted");
        } finally {
            cancellation.finished(process);
        }
    }

    public Cancellation cancellation() {
        return cancellation;
    }

    private ProcessBuilder builder(List<String> command) {
        List<String> resolved = new ArrayList<>(command);
        resolved.set(0, executable(command.get(0)));
        ProcessBuilder builder = new ProcessBuilder(resolved);
        if (environment != null) {
            builder.environment().clear();
            builder.environment().putAll(environment);
        }
        return builder;
    }

    private static Process start(ProcessBuilder builder, List<String> command) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new ProcessException("cannot run " + command.get(0) + ": " + e.getMessage() + " (is " + command.get(0)
                    + " installed and on PATH?)");
        }
    }

    /** {@code program} on the environment's {@code PATH}; the bare name when it is not found there. */
    private String executable(String program) {
        if (environment == null || program.contains("/")) {
            return program;
        }
        for (String dir : environment.getOrDefault("PATH", "").split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return program;
    }

    private static String describe(List<String> command) {
        return command.get(0) + (command.size() > 1 ? " " + command.get(1) : "");
    }
}
