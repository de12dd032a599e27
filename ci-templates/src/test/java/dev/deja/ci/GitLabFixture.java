package dev.deja.ci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import dev.deja.registry.TestRegistries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A GitLab project in a temporary folder: the example monorepo plus this repository's components under
 * {@code templates/} (where GitLab's catalog wants them), a git remote so that gitlab-ci-local resolves
 * {@code $CI_SERVER_FQDN/$CI_PROJECT_PATH}, and the real jar, registry (with htpasswd: the job logs in) and dockerd.
 */
final class GitLabFixture {

    /** The project checkout: cli/target/deja.jar and examples/ are found from here. */
    static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();

    final Path root;
    final Path jar;
    final String jarSha256;
    final String prefix;
    final TestRegistries registries;
    private final Commands commands;

    private GitLabFixture(Path root, TestRegistries registries, Map<String, String> env) throws Exception {
        this.root = root;
        this.registries = registries;
        this.commands = new Commands(root, env);
        this.jar = PROJECT.resolve("cli/target/deja.jar");
        this.jarSha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(jar)));
        this.prefix = TestRegistries.namespace(registries.authenticated(), "gl");
    }

    /** Skips the test (with how to fix it) when the registry, dockerd or gitlab-ci-local is missing. */
    static GitLabFixture create(Path tmp) throws Exception {
        TestRegistries registries = TestRegistries.require();
        Assumptions.assumeTrue(registries.dockerHost().isPresent(), "no test dockerd: scripts/test-env.sh --docker");
        Assumptions.assumeTrue(
                onPath("gitlab-ci-local"),
                "no gitlab-ci-local: npm install -g gitlab-ci-local@4.73.0"
                        + " (scripts/test-env.sh --ci installs it)");
        Path root = tmp.resolve("project");
        TestTree.copyOf(PROJECT.resolve("examples/monorepo"), root, "dist");
        // More files than deja hashes before it asks git which ones it vouches for: as in a real repository, the
        // job's digest cache then holds them by blob, for the next job's clone.
        for (int i = 0; i < 80; i++) {
            Files.createDirectories(root.resolve("service2/static"));
            Files.writeString(root.resolve("service2/static/f" + i + ".txt"), "static " + i + "\n");
        }
        TestTree.copyOf(PROJECT.resolve("ci-templates/gitlab/templates"), root.resolve("templates"));
        Path home = Files.createDirectories(tmp.resolve("home"));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", home.toString());
        env.put("TMPDIR", Files.createDirectories(tmp.resolve("tmp")).toString());
        env.put("DOCKER_HOST", registries.dockerHost().get());
        env.put("DEJA_REGISTRY_MIRRORS", registries.mirrors());
        env.put("GCL_IGNORE_PREDEFINED_VARS", "CI_REGISTRY");
        env.put("DEJA_DIGEST_CACHE", "off");
        GitLabFixture fixture = new GitLabFixture(root, registries, env);
        fixture.git("init", "-q", "-b", "main");
        fixture.git("remote", "add", "origin", "https://gitlab.example.com/acme/monorepo.git");
        fixture.commit("import");
        return fixture;
    }

    static boolean onPath(String program) {
        return Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }

    /** The inputs every test passes: the local jar with its checksum, the test registry, no dind service. */
    String inputs(String indent) {
        return indent + "version: 0.1.0\n"
                + indent + "jar-url: \"file://" + jar + "\"\n"
                + indent + "jar-sha256: \"" + jarSha256 + "\"\n"
                + indent + "registry: \"" + prefix + "\"\n";
    }

    void file(String path, String content) throws IOException {
        Path target = root.resolve(path);
        Files.createDirectories(target.getParent());
        Files.writeString(target, content);
    }

    String git(String... args) throws Exception {
        return commands.git(root, args);
    }

    void commit(String message) throws Exception {
        git("add", "-A");
        git("commit", "-q", "--allow-empty", "-m", message);
    }

    /** Runs gitlab-ci-local (shell executor) in the project, logged in as the test registry's user. */
    Commands.Result pipeline(String... args) throws Exception {
        List<String> command = new ArrayList<>(gitlabCiLocal());
        command.add("--force-shell-executor");
        command.addAll(List.of(args));
        return run(command, 900);
    }

    /**
     * Runs gitlab-ci-local with its docker executor: each job in a container of its image on the test daemon, whose
     * socket is mounted where a job finds a daemon, on the host's network (the registries listen on the loopback).
     * The helper image (gitlab-ci-local's volume set-up: sh, chown, chmod) is a local one, as nothing is pulled from
     * outside.
     */
    Commands.Result pipelineInContainers(String helperImage, String... args) throws Exception {
        String socket = registries.dockerHost().orElseThrow().replaceFirst("^unix://", "");
        List<String> command = new ArrayList<>(gitlabCiLocal());
        command.addAll(List.of(
                "--helper-image",
                helperImage,
                "--volume",
                socket + ":/var/run/docker.sock",
                "--network",
                "host",
                "--variable",
                "DEJA_REGISTRY_MIRRORS=" + registries.mirrors()));
        command.addAll(List.of(args));
        return run(command, 900);
    }

    private List<String> gitlabCiLocal() {
        return List.of(
                "gitlab-ci-local",
                "--variable",
                "CI_REGISTRY=" + registries.authenticated(),
                "--variable",
                "CI_REGISTRY_USER=" + registries.credentials().username(),
                "--variable",
                "CI_REGISTRY_PASSWORD=" + registries.credentials().secret());
    }

    Commands.Result run(List<String> command, int timeoutSeconds) throws Exception {
        return commands.run(command, timeoutSeconds);
    }

    /** A dotenv file of the project as a map. */
    Map<String, String> dotenv(String path) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(root.resolve(path))) {
            int eq = line.indexOf('=');
            assertThat(eq).as("dotenv line " + line).isPositive();
            assertThat(line.substring(0, eq)).matches("[A-Z0-9_]+");
            values.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return values;
    }
}
