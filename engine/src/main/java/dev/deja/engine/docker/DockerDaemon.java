package dev.deja.engine.docker;

import dev.deja.engine.exec.Cancellation;
import dev.deja.engine.exec.ProcessRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The local Docker daemon through the docker CLI: local mode's image store, and where pulls land. */
public final class DockerDaemon {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final ProcessRunner processes;

    public DockerDaemon(Map<String, String> environment) {
        this.processes = new ProcessRunner(environment, Cancellation.never());
    }

    /** The image ID of {@code ref} in the daemon's store, if it is there. */
    public Optional<String> imageId(String ref) {
        ProcessRunner.Result result = run("image", "inspect", "--format", "{{.Id}}", ref);
        if (result.succeeded()) {
            return Optional.of(result.output().strip());
        }
        if (result.output().contains("No such image") || result.output().contains("No such object")) {
            return Optional.empty();
        }
        throw new DaemonException("docker image inspect " + ref + " failed: " + result.firstLine());
    }

    /** Pulls {@code ref} into the daemon's store. */
    public void pull(String ref) {
        ProcessRunner.Result result = run("pull", "-q", ref);
        if (!result.succeeded()) {
            throw new DaemonException("docker pull " + ref + " failed: " + result.firstLine());
        }
    }

    public void tag(String source, String target) {
        ProcessRunner.Result result = run("tag", source, target);
        if (!result.succeeded()) {
            throw new DaemonException("docker tag " + source + " " + target + " failed: " + result.firstLine());
        }
    }

    /**
     * {@code docker ARGS…}, its output and exit code; a daemon that does not answer is a {@link DaemonException}
     * (exit 3), any other failure is the caller's to say.
     */
    public ProcessRunner.Result run(String... args) {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(List.of(args));
        ProcessRunner.Result result;
        try {
            result = processes.capture(null, command, true, TIMEOUT);
        } catch (ProcessRunner.ProcessException e) {
            throw new DaemonException(e.getMessage());
        }
        if (!result.succeeded()
                && (result.output().contains("Cannot connect to the Docker daemon")
                        || result.output().contains("error during connect"))) {
            throw new DaemonException("the Docker daemon does not answer: " + result.firstLine());
        }
        return result;
    }

    /** The daemon (or the docker CLI) is missing or refused: exit code 3. */
    public static final class DaemonException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public DaemonException(String message) {
            super(message);
        }
    }
}
