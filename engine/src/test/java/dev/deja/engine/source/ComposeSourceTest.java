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
import dev.deja.engine.project.NamedContext;
import dev.deja.engine.project.Project;
import dev.deja.engine.project.ProjectFixture;
import dev.deja.engine.project.ProjectLoader;
import dev.deja.packer.TestTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A compose project as the config: no deja.yaml, or one that names it and changes an image. */
class ComposeSourceTest {

    private static final Map<String, String> ENV = Map.of("REGISTRY", "registry.example.com/shop");

    @TempDir
    Path tmp;

    /** The compose fixture copied into a git checkout of its own. */
    static TestTree shop(Path tmp) throws Exception {
        TestTree tree =
                TestTree.copyOf(Path.of("..", "examples", "compose-shop").toAbsolutePath(), tmp.resolve("shop"));
        ProjectFixture.checkout(tree);
        return tree;
    }

    private static Project load(TestTree tree, Map<String, String> environment) {
        return new ProjectLoader(environment).load(tree.root(), null);
    }

    @Test
    void servicesThatShareABuildAreOneImage() throws Exception {
        Project project = load(shop(tmp), ENV);
        assertThat(project.source()).map(s -> s.describe(project.root())).contains("compose.yaml");
        assertThat(project.images()).extracting(ImageDefinition::name).containsExactly("base", "python-app", "web");
        ImageDefinition python = project.image("python-app").orElseThrow();
        assertThat(python.aliases()).containsExactly("api", "worker", "scheduler");
        assertThat(python.dockerfile()).isEqualTo("services/python/Dockerfile");
        assertThat(python.context()).isEqualTo("services/python");
        assertThat(python.args()).containsEntry("PY_VERSION", "3.12").containsEntry("BUILD_MODE", "release");
        assertThat(python.contexts()).containsEntry("base", new NamedContext(NamedContext.Kind.IMAGE, "base"));
        assertThat(python.repository()).isEqualTo("registry.example.com/shop/python-app");
        assertThat(python.tags()).containsExactly("dev");
        ImageDefinition web = project.image("web").orElseThrow();
        assertThat(web.aliases()).containsExactly("admin");
        assertThat(web.context()).isEmpty();
        assertThat(web.dockerfile()).isEqualTo("web/Dockerfile");
        assertThat(web.target()).isEqualTo("runtime");
        assertThat(web.labels()).containsEntry("org.opencontainers.image.title", "shop-web");
        assertThat(project.repository("web")).isEqualTo("registry.example.com/shop/web");
        assertThat(project.localMode()).isFalse();
    }

    @Test
    void aNamedContextOfAServiceIsAParent() throws Exception {
        ImageGraph graph = ImageGraph.of(load(shop(tmp), ENV));
        assertThat(graph.parents("python-app"))
                .extracting(Dependency::parent, Dependency::how)
                .containsExactly(tuple("base", "context base"));
        assertThat(graph.parents("web")).isEmpty();
    }

    @Test
    void theEnvironmentWinsOverDotEnvAndProfilesTurnServicesOn() throws Exception {
        Map<String, String> env = new HashMap<>(ENV);
        env.put("PY_VERSION", "3.13");
        env.put("COMPOSE_PROFILES", "tools");
        Project project = load(shop(tmp), env);
        assertThat(project.image("python-app").orElseThrow().args()).containsEntry("PY_VERSION", "3.13");
        assertThat(project.images()).extracting(ImageDefinition::name).contains("tools");
    }

    @Test
    void aRequiredVariableThatIsUnsetIsAnErrorNamingTheComposeFile() throws Exception {
        TestTree tree = shop(tmp);
        tree.file(".env", "TAG=dev\n");
        assertThatThrownBy(() -> load(tree, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("variable REGISTRY is not set: set REGISTRY to where the images live")
                .satisfies(e ->
                        assertThat(((ConfigException) e).describe(tree.root())).startsWith("compose.yaml:"));
    }

    @Test
    void dejaYamlNamesTheSourceAndChangesAnImage() throws Exception {
        TestTree tree = shop(tmp);
        tree.file(
                "deja.yaml",
                "registry: registry.example.com/other\nfrom: compose.yaml\nimages:\n  python-app:\n    args: {BUILD_MODE: debug}\n  extra:\n"
                        + "    dockerfile: tools/Dockerfile\n");
        Project project = load(tree, ENV);
        ImageDefinition python = project.image("python-app").orElseThrow();
        assertThat(python.args()).containsEntry("BUILD_MODE", "debug").containsEntry("PY_VERSION", "3.12");
        assertThat(python.contexts()).containsKey("base");
        assertThat(project.images())
                .extracting(ImageDefinition::name)
                .containsExactly("base", "python-app", "web", "extra");
        assertThat(project.repository("extra")).isEqualTo("registry.example.com/other/extra");
        assertThat(project.repository("web")).isEqualTo("registry.example.com/shop/web");
    }

    /** Six levels, each FROM an ARG its compose service sets to the level below, by its image: repository. */
    @Test
    void anArgBaseImageChainSixLevelsDeepIsOrderedByTheRepositoriesComposeNames() throws Exception {
        StringBuilder compose = new StringBuilder("services:\n");
        TestTree tree = new TestTree(tmp.resolve("chain"));
        for (int level = 0; level < 6; level++) {
            compose.append("  l")
                    .append(level)
                    .append(":\n    build:\n      context: l")
                    .append(level)
                    .append('\n');
            if (level > 0) {
                compose.append("      args: {BASE_IMAGE: \"${REGISTRY}/l")
                        .append(level - 1)
                        .append(":${TAG:-latest}\"}\n");
            }
            compose.append("    image: ${REGISTRY}/l").append(level).append(":${TAG:-latest}\n");
            tree.file(
                    "l" + level + "/Dockerfile",
                    level == 0 ? "FROM alpine\n" : "ARG BASE_IMAGE=none\nFROM ${BASE_IMAGE}\nRUN echo " + level + "\n");
        }
        tree.file("compose.yaml", compose.toString());
        ProjectFixture.checkout(tree);
        ImageGraph graph = ImageGraph.of(load(tree, ENV));
        assertThat(graph.levels()).hasSize(6);
        assertThat(graph.topologicalOrder()).containsExactly("l0", "l1", "l2", "l3", "l4", "l5");
        assertThat(graph.parents("l5")).extracting(Dependency::parent).containsExactly("l4");
    }

    /**
     * A compose project whose RUN steps need the host's network, more hosts, a larger /dev/shm and limits, and are
     * allowed more than a sandbox (an entitlement, a privileged build).
     */
    private static TestTree withRunSettings(Path dir) throws Exception {
        TestTree tree = new TestTree(dir)
                .file("app/Dockerfile", "FROM alpine\n")
                .file(
                        "compose.yaml",
                        "services:\n  app:\n    build:\n      context: app\n      network: host\n"
                                + "      extra_hosts: [\"a.test:10.0.0.1\", \"b.test=10.0.0.2\"]\n"
                                + "      shm_size: 2g\n"
                                + "      ulimits: {nproc: 65535, nofile: {soft: 20000, hard: 40000}}\n"
                                + "      entitlements: [network.host]\n"
                                + "  web:\n    build:\n      context: app\n      target: web\n"
                                + "      extra_hosts: {c.test: 10.0.0.3}\n      shm_size: 1000000\n"
                                + "      privileged: true\n");
        ProjectFixture.checkout(tree);
        return tree;
    }

    /**
     * {@code network}, {@code extra_hosts} (any of compose's spellings), {@code shm_size} (in bytes, as compose prints
     * it), {@code ulimits}, {@code entitlements} and {@code privileged} (compose asks the builder for
     * {@code security.insecure}) reach the image as the builder takes them, and deja's reader gives what
     * {@code docker compose config} gives.
     */
    @Test
    void runSettingsAreThoseComposeGives() throws Exception {
        TestTree tree = withRunSettings(tmp.resolve("run"));
        Project project = load(tree, ENV);
        ImageDefinition app = project.image("app").orElseThrow();
        assertThat(app.run().network()).isEqualTo("host");
        assertThat(app.run().extraHosts()).containsExactly("a.test:10.0.0.1", "b.test:10.0.0.2");
        assertThat(app.run().shmSize()).isEqualTo("2147483648");
        assertThat(app.run().ulimits()).containsExactly("nofile=20000:40000", "nproc=65535");
        assertThat(app.run().entitlements()).containsExactly("network.host");
        ImageDefinition web = project.image("web").orElseThrow();
        assertThat(web.run().extraHosts()).containsExactly("c.test:10.0.0.3");
        assertThat(web.run().shmSize()).isEqualTo("1000000");
        assertThat(web.run().entitlements()).containsExactly("security.insecure");
        assertThat(project.notices()).isEmpty();

        Map<String, String> env = new HashMap<>(ENV);
        env.put("PATH", System.getenv("PATH"));
        assertThat(viaDejaAndViaCompose(tree, env)).hasSize(2);
    }

    /**
     * {@code COMPOSE_FILE} (in the folder's {@code .env}, or in the environment, which wins) names the compose files
     * instead of the default one, with {@code COMPOSE_PATH_SEPARATOR}: the services compose itself lists. A file it
     * names that is not there is an error, as for compose.
     */
    @Test
    void composeFileNamesTheFilesAsForCompose() throws Exception {
        TestTree tree = new TestTree(tmp.resolve("compose-file"))
                .file("app/Dockerfile", "FROM alpine\n")
                .file("worker/Dockerfile", "FROM alpine\n")
                .file("tools/Dockerfile", "FROM alpine\n")
                .file("compose.yaml", "services:\n  tools:\n    build: tools\n")
                .file("compose.base.yaml", "services:\n  app:\n    build: app\n")
                .file("compose.build.yaml", "services:\n  worker:\n    build: worker\n")
                .file(".env", "COMPOSE_FILE=compose.base.yaml:compose.build.yaml\nTAG=1\n");
        ProjectFixture.checkout(tree);
        Map<String, String> env = new HashMap<>(ENV);
        env.put("PATH", System.getenv("PATH"));
        assertThat(load(tree, env).byName().keySet()).containsExactlyInAnyOrder("app", "worker");
        assertThat(composeConfig(tree, env).path("services").fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder("app", "worker");

        env.put("COMPOSE_FILE", "compose.yaml;compose.build.yaml");
        env.put("COMPOSE_PATH_SEPARATOR", ";");
        assertThat(load(tree, env).byName().keySet()).containsExactlyInAnyOrder("tools", "worker");
        assertThat(composeConfig(tree, env).path("services").fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder("tools", "worker");

        env.put("COMPOSE_FILE", "compose.missing.yaml");
        assertThatThrownBy(() -> load(tree, env))
                .isInstanceOf(ConfigException.class)
                .hasMessage("COMPOSE_FILE (from the environment) names compose.missing.yaml, which is not in "
                        + tree.root() + " (compose would not start either)");
    }

    /** A value compose itself would refuse (a number where a list goes) is an error at its service, not dropped. */
    @Test
    void runSettingsOfTheWrongShapeAreRefusedAtTheirService() throws Exception {
        for (String setting : List.of("extra_hosts: 5", "ulimits: 5", "entitlements: network.hots")) {
            TestTree tree = new TestTree(tmp.resolve("shape-" + setting.substring(0, 3)))
                    .file("app/Dockerfile", "FROM alpine\n")
                    .file("compose.yaml", "services:\n  app:\n    build:\n      context: app\n      " + setting + "\n");
            ProjectFixture.checkout(tree);
            assertThatThrownBy(() -> load(tree, ENV))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(
                            setting.startsWith("extra")
                                    ? "extra host '5' is not name:address"
                                    : setting.startsWith("ulimits")
                                            ? "ulimit '5' is not name=soft[:hard]"
                                            : "entitlement 'network.hots' is not network.host or security.insecure")
                    .satisfies(e -> assertThat(((ConfigException) e).describe(tree.root()))
                            .startsWith("compose.yaml:2: "));
        }
    }

    /** A compose project whose builds read secrets and an SSH key, declared as compose declares them. */
    private static TestTree withSecrets(Path dir, boolean ssh) throws Exception {
        TestTree tree = new TestTree(dir)
                .file("app/Dockerfile", "FROM alpine\nRUN --mount=type=secret,id=npm true\n")
                .file("config/npmrc", "registry=https://npm.example.com/\n")
                .file(
                        "compose.yaml",
                        "services:\n  app:\n    build:\n      context: app\n"
                                + "      secrets: [token, {source: npmrc, target: npm}]\n"
                                + (ssh ? "      ssh: [default, \"deploy=keys/id_ed25519\"]\n" : "")
                                + "secrets:\n  npmrc:\n    file: ./config/npmrc\n"
                                + "  token:\n    environment: NPM_TOKEN\n");
        ProjectFixture.checkout(tree);
        return tree;
    }

    /**
     * {@code build.secrets} (short and long syntax) reach the image as the id BuildKit sees, read where the top-level
     * {@code secrets:} says (a file from the compose file's folder, an environment variable); {@code build.ssh} keys
     * are made absolute from there too. Nothing is said: deja passes them.
     */
    @Test
    void buildSecretsAndSshAreThoseComposeDeclares() throws Exception {
        TestTree tree = withSecrets(tmp.resolve("secrets"), true);
        Project project = load(tree, ENV);
        ImageDefinition app = project.image("app").orElseThrow();
        assertThat(app.secrets())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "token",
                        "env:NPM_TOKEN",
                        "npm",
                        tree.path("config/npmrc").toAbsolutePath().normalize().toString()));
        assertThat(app.ssh())
                .containsExactly(
                        "default",
                        "deploy="
                                + tree.path("keys/id_ed25519").toAbsolutePath().normalize());
        assertThat(project.notices()).isEmpty();
    }

    @Test
    void aBuildSecretNoTopLevelEntryDeclaresIsAnErrorNamingTheService() throws Exception {
        TestTree tree = new TestTree(tmp.resolve("undeclared"))
                .file("app/Dockerfile", "FROM alpine\n")
                .file("compose.yaml", "services:\n  app:\n    build:\n      context: app\n      secrets: [token]\n");
        ProjectFixture.checkout(tree);
        assertThatThrownBy(() -> load(tree, ENV))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "service 'app' uses the build secret 'token', which no top-level secrets: entry declares")
                .satisfies(e ->
                        assertThat(((ConfigException) e).describe(tree.root())).startsWith("compose.yaml:2:"));
    }

    /**
     * compose's {@code build.tags} in the repository of {@code image:} are written as that image's other tags, as
     * {@code docker compose build} would; one in another repository is said, not dropped without a word.
     */
    @Test
    void buildTagsOfTheImagesRepositoryAreItsTagsOthersAreSaid() throws Exception {
        TestTree tree = new TestTree(tmp.resolve("tags"))
                .file("app/Dockerfile", "FROM alpine\n")
                .file(
                        "compose.yaml",
                        "services:\n  app:\n    image: ghcr.io/acme/app:1.0\n    build:\n      context: app\n"
                                + "      tags: [\"ghcr.io/acme/app:stable\", ghcr.io/acme/app, \"docker.io/acme/app:1.0\"]\n");
        ProjectFixture.checkout(tree);
        Project project = load(tree, ENV);
        assertThat(project.images()).singleElement().satisfies(image -> assertThat(image.tags())
                .containsExactly("1.0", "stable", "latest"));
        assertThat(project.notices())
                .extracting(n -> n.describe(project.root()))
                .containsExactly("compose.yaml:2: service 'app': build.tags docker.io/acme/app:1.0 are not written by"
                        + " deja: it tags an image in its own repository (ghcr.io/acme/app) only");
    }

    /** The same images whether compose resolves the files or deja reads them itself. */
    @Test
    void composeConfigAndDejasReaderGiveTheSameImages() throws Exception {
        TestTree tree = shop(tmp);
        Map<String, String> env = new HashMap<>(ENV);
        env.put("PATH", System.getenv("PATH"));
        env.put("COMPOSE_PROFILES", "tools"); // the included project's service too
        assertThat(viaDejaAndViaCompose(tree, env)).hasSize(4);
    }

    /**
     * Secrets too: deja's reader and {@code docker compose config} give the same images. (Not SSH keys: compose
     * 2.26 cannot print them as JSON.)
     */
    @Test
    void composeConfigAndDejasReaderGiveTheSameSecrets() throws Exception {
        TestTree tree = withSecrets(tmp.resolve("secrets"), false);
        Map<String, String> env = new HashMap<>(ENV);
        env.put("PATH", System.getenv("PATH"));
        env.put("NPM_TOKEN", "t0k3n");
        assertThat(viaDejaAndViaCompose(tree, env)).singleElement().asString().contains("secrets");
    }

    /**
     * The images of {@code tree} as deja's reader gives them, checked to be those {@code docker compose config}'s
     * model gives.
     */
    private static List<String> viaDejaAndViaCompose(TestTree tree, Map<String, String> env) throws Exception {
        JsonNode fromCompose = composeConfig(tree, env);
        List<Path> files = ComposeReader.defaultFiles(tree.root());
        ComposeReader.Resolved own = new ComposeReader(tree.root(), env, notice -> {}).read(files);
        ComposeImages.Origins origins = service -> own.origins().get(service);
        List<String> viaCompose = describe(ComposeImages.of(fromCompose, tree.root(), origins, notice -> {}));
        List<String> viaDeja = describe(ComposeImages.of(own.model(), tree.root(), origins, notice -> {}));
        assertThat(viaDeja).isEqualTo(viaCompose);
        return viaDeja;
    }

    /** {@code docker compose config --format json} of {@code tree}; the test is skipped without compose v2. */
    private static JsonNode composeConfig(TestTree tree, Map<String, String> env) throws Exception {
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder("docker", "compose", "config", "--format", "json")
                    .directory(tree.root().toFile());
            builder.environment().clear();
            builder.environment().putAll(env);
            process = builder.start();
        } catch (IOException e) {
            Assumptions.abort("no docker CLI: scripts/test-env.sh --docker installs it");
            return null;
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(
                process.waitFor() == 0, "docker compose v2 missing: scripts/test-env.sh --docker installs it");
        return new ObjectMapper().readTree(out);
    }

    private static List<String> describe(List<SourceImage> images) {
        List<String> out = new ArrayList<>();
        images.forEach(
                i -> out.add(i.name() + " " + i.settings() + " " + i.file().getFileName() + ":" + i.line()));
        return out;
    }
}
