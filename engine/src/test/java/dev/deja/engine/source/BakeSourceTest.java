package dev.deja.engine.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deja.engine.config.ConfigException;
import dev.deja.engine.graph.Dependency;
import dev.deja.engine.graph.ImageGraph;
import dev.deja.engine.project.ImageDefinition;
import dev.deja.engine.project.Project;
import dev.deja.engine.project.ProjectFixture;
import dev.deja.engine.project.ProjectLoader;
import dev.deja.packer.TestTree;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bake file as the config, resolved by the real {@code docker buildx bake --print}. */
class BakeSourceTest {

    @TempDir
    Path tmp;

    private TestTree tools() throws Exception {
        TestTree tree = TestTree.copyOf(
                Path.of("src/test/resources/monorepos/bake-tools").toAbsolutePath(), tmp.resolve("tools"));
        ProjectFixture.checkout(tree);
        return tree;
    }

    private static Map<String, String> environment() {
        String path = System.getenv("PATH");
        Assumptions.assumeTrue(
                new File("/usr/libexec/docker/cli-plugins/docker-buildx").canExecute(),
                "no buildx plugin: scripts/test-env.sh --docker installs it");
        return Map.of(
                "PATH", path, "REGISTRY", "registry.example.com/tools", "HOME", System.getProperty("java.io.tmpdir"));
    }

    @Test
    void targetsOfTheDefaultGroupAreImages() throws Exception {
        Project project = new ProjectLoader(environment()).load(tools().root(), null);
        assertThat(project.images())
                .extracting(ImageDefinition::name)
                .containsExactlyInAnyOrder("app", "base", "tool-fmt", "tool-lint");
        ImageDefinition lint = project.image("tool-lint").orElseThrow();
        assertThat(lint.args()).containsEntry("TOOL", "lint");
        assertThat(lint.dockerfile()).isEqualTo("tools/Dockerfile");
        assertThat(lint.repository()).isEqualTo("registry.example.com/tools/tool-lint");
        assertThat(lint.tags()).containsExactly("dev");
        assertThat(project.image("app").orElseThrow().labels())
                .containsEntry("org.opencontainers.image.vendor", "acme");
        ImageGraph graph = ImageGraph.of(project);
        assertThat(graph.parents("app"))
                .extracting(Dependency::parent, Dependency::how)
                .containsExactly(tuple("base", "context base"));
    }

    @Test
    void withoutBuildxTheMessageSaysWhatToInstall() throws Exception {
        TestTree tree = tools();
        // What the docker CLI answers when the buildx plugin is not installed.
        new TestTree(tmp.resolve("bin"))
                .executable("docker", "#!/bin/sh\necho \"docker: 'buildx' is not a docker command.\" >&2\nexit 1\n");
        assertThatThrownBy(() -> new ProjectLoader(Map.of("PATH", tmp.resolve("bin") + ":/usr/bin:/bin"))
                        .load(tree.root(), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("docker buildx is not installed")
                .hasMessageContaining("install the buildx plugin")
                .satisfies(e ->
                        assertThat(((ConfigException) e).describe(tree.root())).startsWith("docker-bake.hcl:"));
    }

    /**
     * Tags outside the image's repository are said (as for compose), not dropped without a word; a tag without one is
     * {@code latest}. The RUN steps' settings (a secret, /dev/shm, limits) are the image's, not said. (Bake 0.13 does
     * not print {@code network} or {@code entitlements}: {@link #whatANewerBakePrintsOfTheRunStepsIsKept}.)
     */
    @Test
    void tagsElsewhereAreSaidAndRunSettingsKept() throws Exception {
        TestTree tree = new TestTree(tmp.resolve("said"))
                .file("app/Dockerfile", "FROM alpine\n")
                .file(
                        "docker-bake.hcl",
                        "group \"default\" { targets = [\"app\"] }\ntarget \"app\" {\n  context = \"app\"\n"
                                + "  tags = [\"ghcr.io/acme/app:1.0\", \"ghcr.io/acme/app\", \"docker.io/acme/app:1.0\"]\n"
                                + "  secret = [\"id=token,env=TOKEN\"]\n  shm-size = \"128m\"\n"
                                + "  ulimits = [\"nofile=1024:2048\"]\n}\n");
        ProjectFixture.checkout(tree);
        Project project = new ProjectLoader(environment()).load(tree.root(), null);
        ImageDefinition app = project.image("app").orElseThrow();
        assertThat(app.repository()).isEqualTo("ghcr.io/acme/app");
        assertThat(app.tags()).containsExactly("1.0", "latest");
        assertThat(app.run().shmSize()).isEqualTo("134217728");
        assertThat(app.run().ulimits()).containsExactly("nofile=1024:2048");
        assertThat(project.notices())
                .extracting(n -> n.describe(project.root()))
                .containsExactly("docker-bake.hcl: bake target 'app': tags docker.io/acme/app:1.0 are not written by"
                        + " deja: it tags an image in its own repository (ghcr.io/acme/app) only");
    }

    /**
     * Bake's {@code secret} (a file from the bake file's folder, an environment variable, the {@code type=} spelling)
     * and {@code ssh} keys reach the image in deja's words.
     */
    @Test
    void secretsAndSshKeysAreTheImages() throws Exception {
        TestTree tree = new TestTree(tmp.resolve("secrets"))
                .file("app/Dockerfile", "FROM alpine\n")
                .file("config/npmrc", "registry=https://npm.example.com/\n")
                .sshKey("keys/deploy")
                .file(
                        "docker-bake.hcl",
                        "group \"default\" { targets = [\"app\"] }\ntarget \"app\" {\n  context = \"app\"\n"
                                + "  secret = [\"id=npmrc,src=./config/npmrc\", \"type=env,id=token,env=TOKEN\"]\n"
                                + "  ssh = [\"deploy=keys/deploy\"]\n}\n");
        ProjectFixture.checkout(tree);
        Project project = new ProjectLoader(environment()).load(tree.root(), null);
        ImageDefinition app = project.image("app").orElseThrow();
        assertThat(app.secrets())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "npmrc",
                        tree.path("config/npmrc").toAbsolutePath().normalize().toString(),
                        "token",
                        "env:TOKEN"));
        assertThat(app.ssh())
                .containsExactly(
                        "deploy=" + tree.path("keys/deploy").toAbsolutePath().normalize());
        assertThat(project.notices()).isEmpty();
    }

    /** {@code network} and {@code entitlements}, which bakes newer than 0.13 print, are the image's too. */
    @Test
    void whatANewerBakePrintsOfTheRunStepsIsKept() throws Exception {
        Path root = tmp.resolve("newer");
        JsonNode printed = new ObjectMapper()
                .readTree("{\"target\": {\"app\": {\"context\": \"app\", \"dockerfile\": \"Dockerfile\","
                        + " \"network\": \"host\", \"entitlements\": [\"network.host\", \"security.insecure\"]}}}");
        List<SourceImage> images = BakeImages.of(printed, root, root.resolve("docker-bake.hcl"), notice -> {});
        assertThat(images).hasSize(1);
        assertThat(images.get(0).settings().path("network").asText()).isEqualTo("host");
        assertThat(images.get(0).settings().path("entitlements"))
                .extracting(JsonNode::asText)
                .containsExactly("network.host", "security.insecure");
    }
}
