package dev.deja.engine.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deja.engine.docker.DockerDaemon;
import dev.deja.engine.exec.Cancellation;
import dev.deja.engine.exec.ProcessRunner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** One dev container, through the docker CLI: start, copy in, remove, run, commit, remove itself. */
final class DevContainer {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The shell that keeps the container alive, doing nothing, until it is stopped. */
    static final String WAIT = "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done";

    private final String name;
    private final DockerDaemon daemon;
    private final ProcessRunner processes;

    DevContainer(String name, Map<String, String> environment, Cancellation cancellation) {
        this.name = name;
        this.daemon = new DockerDaemon(environment);
        this.processes = new ProcessRunner(environment, cancellation);
    }

    String name() {
        return name;
    }

    /** The container's ID if it exists and runs; empty when it does not exist. A stopped one is removed. */
    Optional<String> running() {
        ProcessRunner.Result result = docker("container", "inspect", "--format", "{{.Id}} {{.State.Running}}", name);
        if (!result.succeeded()) {
            if (result.output().contains("No such container") || result.output().contains("No such object")) {
                return Optional.empty();
            }
            throw failed("docker container inspect", result);
        }
        String[] fields = result.output().strip().split(" ");
        if (fields.length == 2 && fields[1].equals("true")) {
            return Optional.of(fields[0]);
        }
        remove();
        return Optional.empty();
    }

    /**
     * Starts it from {@code image} running a shell that waits instead of the image's command (and of its
     * entrypoint, when it has one: only then is the entrypoint replaced, so a commit has less to put back); returns
     * its ID.
     */
    String start(String image, String imageName, boolean hasEntrypoint) {
        List<String> command =
                new ArrayList<>(List.of("run", "-d", "--name", name, "--label", "dev.deja.image=" + imageName));
        command.addAll(hasEntrypoint ? List.of("--entrypoint", "/bin/sh", image) : List.of(image, "/bin/sh"));
        command.addAll(List.of("-c", WAIT));
        ProcessRunner.Result result = docker(command.toArray(String[]::new));
        if (!result.succeeded()) {
            // docker run -d prints the container's ID before the runtime's refusal: the reason is the error line.
            String reason = result.output()
                    .lines()
                    .filter(line -> line.contains("Error") || line.contains("error"))
                    .findFirst()
                    .orElse(result.firstLine());
            if (reason.contains("/bin/sh") || reason.contains("executable file not found")) {
                remove();
                throw new DevException("image '" + imageName + "' cannot keep a dev container alive: it has no"
                        + " /bin/sh (" + reason.replaceFirst("^docker: ", "").strip()
                        + "); deja dev runs its command with a shell in the image");
            }
            throw failed("docker run", result);
        }
        String id = result.output().strip().lines().reduce((a, b) -> b).orElse("");
        if (running().isEmpty()) {
            throw new DevException("image '" + imageName + "' cannot keep a dev container alive: it stopped at once"
                    + " (deja dev needs /bin/sh and sleep in the image)");
        }
        return id;
    }

    /** An image's config: its entrypoint, command and working directory. */
    JsonNode config(String image) {
        ProcessRunner.Result result = docker("image", "inspect", "--format", "{{json .Config}}", image);
        if (!result.succeeded()) {
            throw failed("docker image inspect " + image, result);
        }
        try {
            return JSON.readTree(result.output());
        } catch (IOException e) {
            throw new DockerDaemon.DaemonException("docker image inspect " + image + ": not JSON");
        }
    }

    /** Copies a tar (written by {@code tar}) into {@code directory}, made first when it does not exist. */
    void copyIn(String directory, ProcessRunner.StdinWriter tar) {
        List<String> output = new ArrayList<>();
        if (copy(directory, tar, output) == 0) {
            return;
        }
        ProcessRunner.Result made = docker("exec", name, "mkdir", "-p", directory);
        if (!made.succeeded()) {
            throw failed("docker exec mkdir", made);
        }
        output.clear();
        if (copy(directory, tar, output) != 0) {
            throw new DockerDaemon.DaemonException("docker cp into " + name + " failed: "
                    + String.join(" ", output).strip());
        }
    }

    private int copy(String directory, ProcessRunner.StdinWriter tar, List<String> output) {
        return processes.stream(name, List.of("docker", "cp", "-", name + ":" + directory), tar, output::add);
    }

    /** Removes files and folders (absolute paths in the container). */
    void delete(List<String> paths) {
        if (paths.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("exec", name, "rm", "-rf", "--"));
        command.addAll(paths);
        ProcessRunner.Result result = docker(command.toArray(String[]::new));
        if (!result.succeeded()) {
            throw failed("docker exec rm", result);
        }
    }

    /** Runs {@code command} by {@code sh -c} in {@code workdir}, its output to {@code log}; its exit code. */
    int exec(String workdir, String command, Consumer<String> log) {
        return processes.stream(
                name,
                List.of("docker", "exec", "-w", workdir.isEmpty() ? "/" : workdir, name, "/bin/sh", "-c", command),
                null,
                log);
    }

    /**
     * Commits the container as {@code tag} with {@code changes} ({@code ENTRYPOINT …}, {@code CMD …},
     * {@code LABEL …}). {@code docker commit} cannot set a command back to none ({@code CMD []} is ignored): for an
     * image that had none, {@code clearCommand} builds one more layerless step that does.
     */
    String commit(String tag, List<String> changes, boolean clearCommand) {
        List<String> command = new ArrayList<>(List.of("commit"));
        changes.forEach(change -> command.addAll(List.of("--change", change)));
        command.addAll(List.of(name, tag));
        ProcessRunner.Result result = docker(command.toArray(String[]::new));
        if (!result.succeeded()) {
            throw failed("docker commit", result);
        }
        String id = result.output().strip();
        if (!clearCommand) {
            return id;
        }
        List<String> output = new ArrayList<>();
        String dockerfile = "FROM " + id + "\nCMD []\n";
        int code = processes.stream(
                name,
                List.of("docker", "build", "-q", "-t", tag, "-"),
                out -> out.write(dockerfile.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                output::add);
        if (code != 0) {
            throw new DockerDaemon.DaemonException("clearing the command of " + tag + " failed: "
                    + String.join(" ", output).strip());
        }
        return output.isEmpty() ? id : output.get(output.size() - 1).strip();
    }

    void remove() {
        docker("rm", "-f", name);
    }

    ProcessRunner.Result docker(String... args) {
        return daemon.run(args);
    }

    private static DockerDaemon.DaemonException failed(String what, ProcessRunner.Result result) {
        return new DockerDaemon.DaemonException(what + " failed: " + result.firstLine());
    }
}
