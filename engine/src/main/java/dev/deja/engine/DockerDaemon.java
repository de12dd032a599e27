package dev.deja.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The local Docker daemon through the docker CLI: local mode's image store. */
public final class DockerDaemon {

    private final Map<String, String> environment;

    public DockerDaemon(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** The image ID of {@code ref} in the daemon's store, if it is there. */
    public Optional<String> imageId(String ref) {
        Result result = run("image", "inspect", "--format", "{{.Id}}", ref);
        if (result.code() == 0) {
            return Optional.of(result.output().strip());
        }
        if (result.output().contains("No such image") || result.output().contains("No such object")) {
            return Optional.empty();
        }
        throw new DaemonException("docker image inspect " + ref + " failed: " + firstLine(result.output()));
    }

    /** Pulls {@code ref} into the daemon's store. */
    public void pull(String ref) {
        Result result = run("pull", "-q", ref);
        if (result.code() != 0) {
            throw new DaemonException("docker pull " + ref + " failed: " + firstLine(result.output()));
        }
    }

    public void tag(String source, String target) {
        Result result = run("tag", source, target);
        if (result.code() != 0) {
            throw new DaemonException("docker tag " + source + " " + target + " failed: "
                    + firstLine(result.output()));
        }
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("").strip();
    }

    private record Result(int code, String output) {
    }

    private Result run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(DockerCli.executable(environment));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new DaemonException("docker " + args[0] + " did not answer within 120 s");
            }
            if (process.exitValue() != 0 && (output.contains("Cannot connect to the Docker daemon")
                    || output.contains("error during connect"))) {
                throw new DaemonException("the Docker daemon does not answer: " + firstLine(output));
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new DaemonException("cannot run docker: " + e.getMessage() + " (is the docker CLI on PATH?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DaemonException("interrupted");
        }
    }

    /** The daemon (or the docker CLI) is missing or refused: exit code 3. */
    public static final class DaemonException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public DaemonException(String message) {
            super(message);
        }
    }
}
