package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import dev.deja.registry.RegistryClient;
import dev.deja.registry.Repository;
import dev.deja.registry.TestRegistries;
import dev.deja.registry.auth.CredentialSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;

/**
 * A git copy of examples/monorepo in a temporary folder, pushing under a prefix of its own in the test registry,
 * with the test dockerd: what the end-to-end tests build.
 */
final class ExampleRepo {

    final TestTree repo;
    final Map<String, String> env;
    final String prefix;
    final RegistryClient client;

    private ExampleRepo(TestTree repo, Map<String, String> env, String prefix) {
        this.repo = repo;
        this.env = env;
        this.prefix = prefix;
        this.client = RegistryClient.create(CredentialSource.anonymous(), Set.of());
    }

    /** Skips the test when the test registry or dockerd is not running. */
    static ExampleRepo create(Path tmp) throws Exception {
        TestRegistries registries = TestRegistries.require();
        Assumptions.assumeTrue(registries.dockerHost().isPresent(), "no test dockerd: scripts/test-env.sh --docker");
        TestTree copy = TestTree.copyOf(
                Path.of("..", "examples", "monorepo").toAbsolutePath().normalize(), tmp.resolve("monorepo"), "dist");
        String prefix = TestRegistries.namespace(registries.plain(), "e2e");
        Map<String, String> env = new HashMap<>(Map.of(
                "DEJA_REGISTRY_MIRRORS",
                registries.mirrors(),
                "DEJA_DIGEST_CACHE",
                "off",
                "DOCKER_HOST",
                registries.dockerHost().get(),
                "HOME",
                tmp.toString(),
                "PATH",
                System.getenv("PATH")));
        ExampleRepo example = new ExampleRepo(copy, env, prefix);
        example.git("init", "-q", "-b", "main");
        example.commit("import the example");
        return example;
    }

    Path root() {
        return repo.root();
    }

    String git(String... args) throws Exception {
        List<String> command =
                new ArrayList<>(List.of("git", "-c", "user.email=e2e@example.com", "-c", "user.name=e2e"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .directory(repo.root().toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    String commit(String message) throws Exception {
        git("add", "-A");
        git("commit", "-q", "--allow-empty", "-m", message);
        return git("rev-parse", "HEAD");
    }

    /** The arguments of {@code deja -C <copy> --registry <prefix> build --push EXTRA…}. */
    String[] buildArgs(String... extra) {
        List<String> args =
                new ArrayList<>(List.of("-C", repo.root().toString(), "--registry", prefix, "build", "--push"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    Run build(String... extra) {
        return Run.withEnvironment(env, buildArgs(extra));
    }

    /** image -> result column of the final table. */
    static Map<String, String> results(Run run) {
        return column(run, 1);
    }

    /** image -> state column of the final table. */
    static Map<String, String> states(Run run) {
        return column(run, 2);
    }

    private static Map<String, String> column(Run run, int column) {
        Map<String, String> out = new HashMap<>();
        run.stdout().lines().skip(1).filter(l -> !l.startsWith("moving")).forEach(l -> {
            String[] cols = l.split("\\s+");
            out.put(cols[0], cols[column]);
        });
        return out;
    }

    /** The digest {@code <prefix>/<image>:<tag>} points at, "" when the tag does not exist. */
    String digest(String image, String tag) {
        return client.exists(Repository.parse(prefix + "/" + image), tag)
                .map(d -> d.digest())
                .orElse("");
    }

    /** The labels of the image {@code <prefix>/<image>:<tag>} names (empty when the tag does not exist). */
    Map<String, String> labels(String image, String tag) {
        return client.labels(Repository.parse(prefix + "/" + image), tag).orElse(Map.of());
    }

    /** Runs the docker CLI against the test dockerd; returns its output, asserting success when asked. */
    String docker(boolean mustSucceed, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DOCKER_HOST", env.get("DOCKER_HOST"));
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        if (mustSucceed) {
            assertThat(code).as(String.join(" ", command) + ": " + out).isZero();
        }
        return code == 0 ? out : "exit " + code + ": " + out;
    }
}
