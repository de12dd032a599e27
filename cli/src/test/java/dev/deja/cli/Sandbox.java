package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.registry.TestRegistries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * What an end-to-end test of a fixture of its own needs: the environment deja runs with (a test dockerd, a home of
 * its own, no digest cache), git in the fixture, and the docker CLI. Skips the test when that dockerd is not
 * running.
 */
final class Sandbox {

    final Map<String, String> env;

    private Sandbox(Map<String, String> env) {
        this.env = env;
    }

    /** On dockerd 20.10 (built-in BuildKit). */
    static Sandbox classicEngine(Path home) {
        TestRegistries registries = TestRegistries.require();
        Assumptions.assumeTrue(registries.dockerHost().isPresent(), "no test dockerd: scripts/test-env.sh --docker");
        return new Sandbox(environment(home, registries.dockerHost().get(), registries.mirrors()));
    }

    /** On the current engine (dockerd 26: named contexts and the rest dockerd 20.10's BuildKit lacks). */
    static Sandbox currentEngine(Path home) {
        TestRegistries registries = TestRegistries.require();
        Assumptions.assumeTrue(
                registries.currentDockerHost().isPresent(), "no current test dockerd: scripts/test-env.sh --docker");
        return new Sandbox(environment(home, registries.currentDockerHost().get(), registries.mirrors()));
    }

    /** On dockerd 26 with the containerd image store (attestation indexes on every push, registry cache). */
    static Sandbox containerdStore(Path home) {
        TestRegistries registries = TestRegistries.require();
        Assumptions.assumeTrue(
                registries.containerdDockerHost().isPresent(),
                "no test dockerd on the containerd image store: scripts/test-env.sh --docker");
        return new Sandbox(environment(home, registries.containerdDockerHost().get(), registries.mirrors()));
    }

    private static Map<String, String> environment(Path home, String dockerHost, String mirrors) {
        return new HashMap<>(Map.of(
                "DEJA_REGISTRY_MIRRORS",
                mirrors,
                "DOCKER_HOST",
                dockerHost,
                "HOME",
                home.toString(),
                "PATH",
                System.getenv("PATH"),
                "DEJA_DIGEST_CACHE",
                "off"));
    }

    /** This sandbox with one more variable. */
    Sandbox with(String name, String value) {
        Map<String, String> more = new HashMap<>(env);
        more.put(name, value);
        return new Sandbox(more);
    }

    /** deja run in {@code root}. */
    Run deja(Path root, String... args) {
        List<String> all = new ArrayList<>(List.of("-C", root.toString()));
        all.addAll(List.of(args));
        return Run.withEnvironment(env, all.toArray(String[]::new));
    }

    /** A git checkout on branch main with one commit of what {@code root} holds. */
    void gitInit(Path root) throws Exception {
        run(root, "git", "init", "-q", "-b", "main");
        commit(root);
    }

    /** Commits everything in {@code root}; returns the commit. */
    String commit(Path root) throws Exception {
        run(root, "git", "add", "-A");
        run(
                root,
                "git",
                "-c",
                "user.email=t@example.com",
                "-c",
                "user.name=t",
                "commit",
                "-q",
                "--allow-empty",
                "-m",
                "x");
        return run(root, "git", "rev-parse", "HEAD").strip();
    }

    /**
     * {@code deja build} in local mode (the daemon's store is the cache), which must build {@code image} (give the
     * fixture content of its own run: the daemon keeps images between runs); then runs {@code <image>:latest} and
     * returns what it printed.
     */
    String buildAndRun(Path root, String image) throws Exception {
        Run build = deja(root, "build");
        assertThat(build.code()).as(build.stderr()).isZero();
        assertThat(ExampleRepo.results(build)).containsEntry(image, "built");
        return containerOutput(root, image + ":latest");
    }

    /** Runs a command in {@code dir} with this environment, asserting that it succeeds; returns its output. */
    String run(Path dir, String... command) throws Exception {
        ProcessBuilder builder =
                new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor())
                .as(String.join(" ", command) + ":\n" + out)
                .isZero();
        return out;
    }

    /**
     * What a container of {@code image} prints running {@code command}. A current dockerd on the containerd store now
     * and then hands back nothing from a container that exits at once (its attach loses the race with the exit):
     * an empty answer is asked again, twice at most.
     */
    String containerOutput(Path dir, String image, String... command) throws Exception {
        List<String> run = new java.util.ArrayList<>(List.of("docker", "run", "--rm", image));
        run.addAll(List.of(command));
        String out = "";
        for (int attempt = 1; attempt <= 3 && out.isEmpty(); attempt++) {
            out = run(dir, run.toArray(String[]::new));
        }
        return out;
    }

    /** {@code git init} in a fixture that needs no commit (discovery reads git's file list). */
    static void gitInitOnly(Path root) throws Exception {
        Process process = new ProcessBuilder("git", "init", "-q")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .start();
        assertThat(process.waitFor()).isZero();
    }
}
