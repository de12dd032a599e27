package dev.deja.engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The docker CLI processes of a build run: started with deja's environment (BuildKit on), tracked by the run's
 * {@link Cancellation}, stdin fed from a thread of its own, every output line passed on.
 */
final class DockerProcesses {

    /** What goes to the process's stdin (the context tar), or nothing. */
    interface StdinWriter {
        void write(OutputStream stdin) throws IOException;
    }

    record Captured(int code, String output) {
    }

    private final Map<String, String> environment;
    private final Cancellation cancellation;

    DockerProcesses(Map<String, String> environment, Cancellation cancellation) {
        this.environment = Map.copyOf(environment);
        this.cancellation = cancellation;
    }

    /**
     * Runs one docker CLI command for image {@code name} and returns its exit code.
     *
     * @throws BuildFailedException when it cannot start, its output cannot be read, the context could not be sent,
     *                              or the run is cancelled
     */
    int run(String name, List<String> command, StdinWriter stdin, Consumer<String> log) {
        if (cancellation.cancelled()) {
            throw new BuildFailedException(name, "interrupted");
        }
        List<String> resolved = new ArrayList<>(command);
        if (resolved.get(0).equals("docker")) {
            resolved.set(0, DockerCli.executable(environment));
        }
        ProcessBuilder processBuilder = new ProcessBuilder(resolved).redirectErrorStream(true);
        processBuilder.environment().clear();
        Map<String, String> child = new HashMap<>(environment);
        child.put("DOCKER_BUILDKIT", "1");
        processBuilder.environment().putAll(child);
        Process process;
        try {
            process = processBuilder.start();
        } catch (IOException e) {
            throw new BuildFailedException(name, "cannot run docker: " + e.getMessage()
                    + " (is the docker CLI installed and on PATH?)");
        }
        cancellation.started(process);
        try {
            AtomicReference<Exception> feedFailure = new AtomicReference<>();
            Thread feeder = new Thread(() -> {
                try (OutputStream out = process.getOutputStream()) {
                    if (stdin != null) {
                        stdin.write(out);
                    }
                } catch (IOException | RuntimeException e) {
                    feedFailure.set(e);
                }
            }, "deja-context-" + name);
            feeder.start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    log.accept(line);
                }
            }
            int code = process.waitFor();
            feeder.join();
            if (feedFailure.get() != null && !cancellation.cancelled()) {
                throw new BuildFailedException(name, "sending the context failed: " + feedFailure.get().getMessage()
                        + (code != 0 ? " (the builder exited with " + code + ")" : ""));
            }
            return code;
        } catch (IOException e) {
            throw new BuildFailedException(name, "reading the builder's output failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
            throw new BuildFailedException(name, "interrupted");
        } finally {
            cancellation.finished(process);
        }
    }

    /** Runs a short command and keeps its output. */
    Captured capture(List<String> command) {
        List<String> lines = new ArrayList<>();
        int code = run("builder", command, null, lines::add);
        return new Captured(code, String.join("\n", lines));
    }
}
