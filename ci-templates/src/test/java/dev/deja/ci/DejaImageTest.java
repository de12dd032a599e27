package dev.deja.ci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deja.packer.TestTree;
import dev.deja.registry.RegistryClient;
import dev.deja.registry.Repository;
import dev.deja.registry.TestRegistries;
import dev.deja.registry.auth.CredentialSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * deja builds deja: this repository's deja.yaml builds deja's own image (cli/src/main/docker/Dockerfile) with the jar
 * the reactor just made, from the local images scripts/test-env.sh makes from Debian packages; a second run reuses it.
 * Then the image runs deja on a copy of the example monorepo, with the test daemon's socket mounted, by hand and as the
 * GitLab component's job image (gitlab-ci-local's docker executor).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DejaImageTest {

    private static final String VERSION = "0.1.0";
    private static final List<String> PUSHED = List.of("base", "shared", "service1", "service2", "admin", "web");

    /** deja's image, built once for every test here: its reference by state tag, and the registry it lives in. */
    private TestRegistries registries;

    private RegistryClient client;
    private String prefix;
    private String image;

    @TempDir
    Path tmp;

    @BeforeAll
    void dejaBuildsItsOwnImageOnceThenReusesIt(@TempDir Path work) throws Exception {
        registries = TestRegistries.require();
        Assumptions.assumeTrue(registries.dockerHost().isPresent(), "no test dockerd: scripts/test-env.sh --docker");
        client = RegistryClient.create(CredentialSource.of(Map.of()), Set.of());
        Assumptions.assumeTrue(
                client.exists(Repository.parse(registries.plain() + "/library/deja-jdk"), "latest")
                        .isPresent(),
                "no local bases for deja's image: scripts/test-env.sh --docker makes them");
        prefix = TestRegistries.namespace(registries.plain(), "self");
        Commands host = new Commands(work, environment(registries));

        Path report = work.resolve("image-report.json");
        List<String> build = List.of(
                "java",
                "-jar",
                GitLabFixture.PROJECT.resolve("cli/target/deja.jar").toString(),
                "-C",
                GitLabFixture.PROJECT.toString(),
                "--registry",
                prefix,
                "build",
                "--push",
                "--tag",
                VERSION,
                "--report",
                report.toString(),
                "deja");
        host.run(build, 900).requireSuccess();
        JsonNode first = image(report, "deja");
        assertThat(first.path("result").asText()).isEqualTo("built");
        host.run(build, 300).requireSuccess();
        JsonNode second = image(report, "deja");
        assertThat(second.path("result").asText()).isEqualTo("reused");
        assertThat(second.path("digest").asText())
                .isEqualTo(first.path("digest").asText());
        assertThat(client.exists(Repository.parse(prefix + "/deja"), VERSION))
                .hasValueSatisfying(d ->
                        assertThat(d.digest()).isEqualTo(first.path("digest").asText()));
        image = prefix + "/deja:" + first.path("state").asText();
    }

    @Test
    void theImagePlansAndBuildsTheExampleWithTheDaemonsSocketMounted() throws Exception {
        Commands host = new Commands(tmp, environment(registries));
        // The image runs deja: its own runtime, then plan and build --push of the example against the test registry
        // and daemon (the socket mounted; host network: the registries listen on the loopback).
        Path example = tmp.resolve("example");
        TestTree.copyOf(GitLabFixture.PROJECT.resolve("examples/monorepo"), example, "dist");
        host.git(example, "init", "-q", "-b", "main");
        host.git(example, "add", "-A");
        host.git(example, "commit", "-q", "-m", "import");
        String socket = registries.dockerHost().get().replaceFirst("^unix://", "");
        List<String> docker = List.of(
                "docker",
                "run",
                "--rm",
                "--network",
                "host",
                "-v",
                socket + ":/var/run/docker.sock",
                "-v",
                example + ":/src",
                "-e",
                "DEJA_REGISTRY_MIRRORS=" + registries.mirrors(),
                image);
        Commands.Result version = host.run(concat(docker, "--version"), 300).requireSuccess();
        assertThat(version.output()).contains("deja ").contains("/opt/deja/runtime");
        // A shell given to the entrypoint runs as a shell (CI runners start their job scripts so).
        assertThat(host.run(concat(docker, "sh", "-c", "deja --version && git --version && docker buildx version"), 300)
                        .requireSuccess()
                        .output())
                .contains("/opt/deja/runtime")
                .contains("git version")
                .contains("github.com/docker/buildx");

        String examplePrefix = prefix + "/example";
        Commands.Result plan = host.run(concat(docker, "--registry", examplePrefix, "plan"), 300)
                .requireSuccess();
        for (String name : PUSHED) {
            assertThat(plan.output()).containsPattern("(?m)^\\d+\\s+" + name + "\\s+build\\s");
        }
        host.run(concat(docker, "--registry", examplePrefix, "build", "--push", "--report", "/src/report.json"), 600)
                .requireSuccess();
        Map<String, String> states = new HashMap<>();
        for (String name : PUSHED) {
            JsonNode built = image(example.resolve("report.json"), name);
            assertThat(built.path("result").asText()).as(name).isEqualTo("built");
            states.put(name, built.path("state").asText());
            assertThat(client.exists(Repository.parse(examplePrefix + "/" + name), states.get(name)))
                    .as(name + " pushed")
                    .hasValueSatisfying(d -> assertThat(d.digest())
                            .isEqualTo(built.path("digest").asText()));
        }
        Commands.Result again = host.run(concat(docker, "--registry", examplePrefix, "plan"), 300)
                .requireSuccess();
        for (String name : PUSHED) {
            assertThat(again.output()).containsPattern("(?m)^\\d+\\s+" + name + "\\s+reuse\\s+" + states.get(name));
        }
    }

    @Test
    void theGitLabComponentRunsOnDejasImageWithoutInstallingAnything() throws Exception {
        GitLabFixture project = GitLabFixture.create(tmp);
        // The image as the component's default names it, the version in one place (the version input), from the
        // test registry instead of ghcr.io; no jar inputs: a job that tried to download deja would fail.
        project.file(
                ".gitlab-ci.yml",
                "include:\n  - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/deja@$CI_COMMIT_SHA\n    inputs:\n"
                        + "      version: " + VERSION + "\n"
                        + "      image: \"" + prefix + "/deja:$DEJA_VERSION\"\n"
                        + "      registry: \"" + project.prefix + "\"\n"
                        + "      services: []\n");
        project.commit("pipeline");
        Commands.Result run = project.pipelineInContainers("deja-debian:bookworm");
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("starting " + prefix + "/deja:" + VERSION)
                .contains("/opt/deja/runtime")
                .contains("Login Succeeded")
                .doesNotContain("apk add")
                .doesNotContain("jar-sha256");
        JsonNode report = new ObjectMapper()
                .readTree(project.root.resolve("deja-report.json").toFile());
        assertThat(report.path("succeeded").asBoolean()).isTrue();
        for (String name : PUSHED) {
            assertThat(image(project.root.resolve("deja-report.json"), name)
                            .path("result")
                            .asText())
                    .as(name)
                    .isEqualTo("built");
        }
        assertThat(project.dotenv("deja.env")).containsEntry("DEJA_SERVICE1_RESULT", "built");
        // The digest cache went to the runner's cache (gitlab-ci-local keeps it under .gitlab-ci-local/cache).
        try (java.util.stream.Stream<Path> cached = Files.walk(project.root.resolve(".gitlab-ci-local/cache"))) {
            assertThat(cached.filter(f -> f.endsWith(Path.of(".deja-cache", "digests.bin"))))
                    .singleElement()
                    .satisfies(f -> assertThat(f).isNotEmptyFile());
        }
    }

    @Test
    void theGitHubActionRunsDejaCopiedOutOfItsImage() throws Exception {
        GitLabFixture project = GitLabFixture.create(tmp);
        Map<String, String> env = new HashMap<>(environment(registries));
        env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
        Map<String, String> inputs = Map.of(
                "version",
                VERSION,
                "image",
                prefix + "/deja",
                "project-dir",
                project.root.toString(),
                "registry",
                prefix + "/gh");
        Path work = Files.createDirectories(tmp.resolve("run"));
        CompositeActionRunner.Result run = new CompositeActionRunner(
                        GitLabFixture.PROJECT.resolve("ci-templates/github/action.yml"), work, env)
                .run(inputs);
        assertThat(run.passed()).as(run.log()).isTrue();
        // deja --version of the copy: the image's runtime, where the action put it (not a java of the runner's).
        assertThat(run.log()).containsPattern("Java \\S+ \\([^,]+, \\S+/deja-" + VERSION + "/runtime\\)");
        assertThat(new ObjectMapper().readTree(run.outputs().get("built")).size())
                .isEqualTo(PUSHED.size());
    }

    private static Map<String, String> environment(TestRegistries registries) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("DOCKER_HOST", registries.dockerHost().get());
        env.put("DEJA_REGISTRY_MIRRORS", registries.mirrors());
        env.put("DEJA_DIGEST_CACHE", "off");
        // The three images deja's image is made from: the local ones the test env serves as Docker Hub images.
        env.put("DEJA_IMAGE_JDK", "deja-jdk:latest");
        env.put("DEJA_IMAGE_DOCKER_CLI", "deja-docker-cli:latest");
        env.put("DEJA_IMAGE_BASE", "deja-debian:bookworm");
        return env;
    }

    private static JsonNode image(Path report, String name) throws Exception {
        JsonNode root = new ObjectMapper().readTree(Files.readString(report));
        for (JsonNode image : root.path("images")) {
            if (image.path("name").asText().equals(name)) {
                return image;
            }
        }
        throw new AssertionError("no image " + name + " in " + root);
    }

    private static List<String> concat(List<String> command, String... more) {
        return java.util.stream.Stream.concat(command.stream(), java.util.Arrays.stream(more))
                .toList();
    }
}
