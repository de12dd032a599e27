package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deja.packer.TestTree;
import dev.deja.registry.Manifest;
import dev.deja.registry.RegistryClient;
import dev.deja.registry.Repository;
import dev.deja.registry.TestImages;
import dev.deja.registry.TestRegistries;
import dev.deja.registry.TokenServer;
import dev.deja.registry.auth.CredentialSource;
import dev.deja.registry.auth.Credentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * plan, build (reuse half) and cache-ref against the real registry: images are pushed under their state tags by
 * the test (no daemon needed), then deja decides and retags.
 */
class RegistryCommandsTest {

    @TempDir
    Path tmp;

    private TestRegistries registries;
    private RegistryClient client;
    private String prefix;
    private TestTree tree;

    @BeforeEach
    void setUp() throws Exception {
        registries = TestRegistries.require();
        client = RegistryClient.create(CredentialSource.anonymous(), Set.of());
        prefix = TestRegistries.namespace(registries.plain(), "deja-e2e");
        tree = BadInputTest.valid(tmp.resolve("repo"));
        tree.file(
                "deja.yaml",
                tree.read("deja.yaml").replace("reg.example.com/acme", prefix)
                        + "tags:\n  commit: true\n  branch: true\n  latest-on: feature/x\n");
        git("init", "-q", "-b", "feature/x");
        git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", "-A");
        git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "one");
    }

    private String git(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .directory(tree.root().toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as("git %s: %s", String.join(" ", args), out).isZero();
        return out;
    }

    private Run deja(String... args) {
        List<String> all = new ArrayList<>(List.of("-C", tree.root().toString()));
        all.addAll(List.of(args));
        return Run.of(all.toArray(String[]::new));
    }

    private Map<String, String> stateTags() {
        Map<String, String> tags = new HashMap<>();
        deja("state").stdout().lines().forEach(l -> tags.put(l.split(" ")[0], l.split(" ")[1]));
        return tags;
    }

    private Manifest pushAtState(String image, String stateTag) {
        Repository repository = Repository.parse(prefix + "/" + image);
        Manifest manifest = TestImages.image(client, repository, image + stateTag);
        client.putManifest(repository, stateTag, manifest);
        return manifest;
    }

    @Test
    void planDecidesAndBuildRetagsWithoutMovingLayers() throws Exception {
        Map<String, String> states = stateTags();
        Manifest base = pushAtState("base", states.get("base"));

        JsonNode plan = new ObjectMapper().readTree(deja("plan", "--json").stdout());
        assertThat(plan.at("/images/0/name").asText()).isEqualTo("base");
        assertThat(plan.at("/images/0/decision").asText()).isEqualTo("reuse");
        assertThat(plan.at("/images/0/digest").asText()).isEqualTo(base.digest());
        assertThat(plan.at("/images/1/decision").asText()).isEqualTo("build");

        // A miss whose build fails (these synthetic images cannot be built on; no daemon is named here): base
        // still gets its commit tag, no moving tag moves, exit 1 with a clear reason.
        String commit = git("rev-parse", "HEAD");
        Run partial = deja("build", "--push");
        assertThat(partial.code()).isEqualTo(1);
        assertThat(partial.stderr()).contains("[app] FAILED");
        assertThat(partial.stdout()).contains("not written");
        Repository baseRepo = Repository.parse(prefix + "/base");
        assertThat(client.exists(baseRepo, commit).orElseThrow().digest()).isEqualTo(base.digest());
        assertThat(client.exists(baseRepo, "feature-x")).isEmpty();
        assertThat(client.exists(baseRepo, "latest")).isEmpty();

        // Everything present: every tag, moving ones included, same digests.
        Manifest app = pushAtState("app", states.get("app"));
        Run all = deja("build", "--push", "--tag", "release-1");
        assertThat(all.code()).as(all.stderr()).isZero();
        assertThat(all.stdout()).contains("moving tags written: feature-x, latest");
        Repository appRepo = Repository.parse(prefix + "/app");
        for (String tag : List.of(commit, "release-1", "feature-x", "latest")) {
            assertThat(client.exists(appRepo, tag).orElseThrow().digest())
                    .as(tag)
                    .isEqualTo(app.digest());
            assertThat(client.exists(baseRepo, tag).orElseThrow().digest())
                    .as(tag)
                    .isEqualTo(base.digest());
        }

        // Dry run writes nothing.
        Run dry = deja("build", "--dry-run", "--tag", "never-written");
        assertThat(dry.code()).isZero();
        assertThat(dry.stdout()).contains("dry run");
        assertThat(client.exists(appRepo, "never-written")).isEmpty();
    }

    /**
     * In a checkout git refuses (another user's, as a CI container running as root over the runner's clone sees it),
     * a build says once why its images get no commit tag, with the digest cache off too (no vouching asks git then):
     * the images are reused, and no tag git would have named is written.
     */
    @Test
    void aCheckoutGitRefusesGetsNoCommitTagAndTheRunSaysWhyOnce() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to give the checkout away");
        Map<String, String> states = stateTags();
        pushAtState("base", states.get("base"));
        pushAtState("app", states.get("app"));
        String commit = git("rev-parse", "HEAD");
        assertThat(new ProcessBuilder("chown", "-R", "65534:65534", tree.root().toString())
                        .start()
                        .waitFor())
                .isZero();

        Run build = deja("build", "--push");
        assertThat(build.code()).as(build.stderr()).isZero();
        assertThat(build.stdout()).containsPattern("base +reused").containsPattern("app +reused");
        assertThat(build.stderr().lines().filter(line -> line.startsWith("deja: git refuses")))
                .singleElement()
                .asString()
                .contains("tags no image with the commit", "safe.directory");
        for (String image : List.of("base", "app")) {
            Repository repository = Repository.parse(prefix + "/" + image);
            assertThat(client.exists(repository, commit))
                    .as(image + ":" + commit)
                    .isEmpty();
            assertThat(client.exists(repository, "feature-x"))
                    .as(image + ":feature-x")
                    .isEmpty();
        }
    }

    @Test
    void cacheRefFollowsStateThenBranchThenAncestors() throws Exception {
        Map<String, String> states = stateTags();
        pushAtState("base", states.get("base"));
        Manifest app = pushAtState("app", states.get("app"));
        assertThat(deja("cache-ref", "app").stdout()).isEqualTo(prefix + "/app:" + states.get("app") + "\n");

        // A new commit changes app: its state is missing; the previous commit's tag is the best cache.
        Repository appRepo = Repository.parse(prefix + "/app");
        String first = git("rev-parse", "HEAD");
        client.putManifest(appRepo, first, app);
        tree.file("app/main.sh", "echo changed\n");
        git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-am", "two");
        assertThat(deja("cache-ref", "app").stdout()).isEqualTo(prefix + "/app:" + first + "\n");
        assertThat(deja("cache-ref", "app", "--format", "buildx").stdout())
                .isEqualTo("type=registry,ref=" + prefix + "/app:" + first + "\n");

        // The branch tag ranks before ancestors.
        client.putManifest(appRepo, "feature-x", app);
        assertThat(deja("cache-ref", "app").stdout()).isEqualTo(prefix + "/app:feature-x\n");

        // Nothing at all: empty output, exit 0.
        Run none = deja("--registry", registries.plain() + "/deja-empty-" + UUID.randomUUID(), "cache-ref", "app");
        assertThat(none.code()).isZero();
        assertThat(none.stdout()).isEmpty();
    }

    /**
     * An image whose context is new to a digest cache that knows other states is most likely built: its cache
     * sources are asked while its state is computed, and its state tag, which the plan found absent, is not asked
     * again for them. A cold cache (every context new to it) guesses nothing.
     */
    @Test
    void aChangedContextHasItsCacheSourcesAskedAheadAndItsStateTagAskedOnce() throws Exception {
        Map<String, String> environment =
                Map.of("DEJA_DIGEST_CACHE", tmp.resolve("digests").toString());
        Map<String, String> states = stateTags();
        pushAtState("base", states.get("base"));
        pushAtState("app", states.get("app"));
        Run cold = Run.withEnvironment(environment, "-C", tree.root().toString(), "--debug", "build", "--push");
        assertThat(cold.code()).as(cold.stderr()).isZero();
        assertThat(cold.stderr()).doesNotContain("most likely built");

        tree.file("app/main.sh", "echo changed\n");
        git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-am", "two");
        String appState = stateTags().get("app");
        // The build itself fails (no daemon is named here): what comes before it is what is looked at.
        Run changed = Run.withEnvironment(environment, "-C", tree.root().toString(), "--debug", "build", "--push");

        assertThat(changed.stderr())
                .contains("app: its context is new to the digest cache (most likely built)")
                .doesNotContain("base: its context is new");
        assertThat(changed.stderr().lines().filter(line -> line.contains("/app/manifests/" + appState)))
                .as("the state tag of app: asked by the plan only")
                .singleElement()
                .asString()
                .contains("GET ", "-> 404");
        assertThat(changed.stderr()
                        .lines()
                        .filter(line -> line.contains("HEAD ") && line.contains("/app/manifests/feature-x")))
                .as("a cache source asked ahead and for the build: once")
                .hasSize(1);
    }

    @Test
    void unreachableRegistryExitsThree() {
        Run run = deja("--registry", "127.0.0.1:1/nowhere", "plan");
        assertThat(run.code()).isEqualTo(3);
        assertThat(run.stderr())
                .startsWith("deja: registry error: 127.0.0.1:1")
                .contains("cannot reach")
                .contains("connection refused")
                .doesNotContain("Exception");
    }

    @Test
    void debugLogOfAFullBearerPlanAndReuseHoldsNoSecret() throws Exception {
        try (TokenServer tokens =
                new TokenServer(registries.tokenPort(), registries.tokenKey(), registries.tokenCertificate())) {
            String tokenPrefix = TestRegistries.namespace(registries.tokenRegistry(), "deja-e2e");
            String password = "pw-" + UUID.randomUUID();
            Path dockerConfig = tmp.resolve("docker-bearer");
            Files.createDirectories(dockerConfig);
            String auth = Base64.getEncoder().encodeToString(("deja:" + password).getBytes(StandardCharsets.UTF_8));
            Files.writeString(
                    dockerConfig.resolve("config.json"),
                    "{\"auths\":{\"" + registries.tokenRegistry() + "\":{\"auth\":\"" + auth + "\"}}}");
            Map<String, String> env = Map.of(
                    "DEJA_DIGEST_CACHE", "off", "DOCKER_CONFIG", dockerConfig.toString(), "HOME", tmp.toString());
            // Make every image exist under its state, so build --push does a full reuse.
            RegistryClient pusher = RegistryClient.create(
                    CredentialSource.of(Map.of(registries.tokenRegistry(), new Credentials("deja", password))),
                    Set.of());
            Run states = Run.withEnvironment(env, "-C", tree.root().toString(), "--registry", tokenPrefix, "state");
            for (String line : states.stdout().lines().toList()) {
                String[] parts = line.split(" ");
                Repository repository = Repository.parse(tokenPrefix + "/" + parts[0]);
                pusher.putManifest(repository, parts[1], TestImages.image(pusher, repository, line));
            }
            Run plan = Run.withEnvironment(
                    env, "-C", tree.root().toString(), "--registry", tokenPrefix, "--debug", "plan");
            Run build = Run.withEnvironment(
                    env, "-C", tree.root().toString(), "--registry", tokenPrefix, "--debug", "build", "--push");
            assertThat(plan.code()).as(plan.stderr()).isZero();
            assertThat(build.code()).as(build.stderr()).isZero();
            assertThat(build.stderr())
                    .containsPattern("deja: debug: \\[\\d+\\.\\d\\d s\\] PUT")
                    .contains("[Bearer] -> 201");
            assertThat(tokens.issuedTokens()).isNotEmpty();
            for (Run run : List.of(states, plan, build)) {
                String everything = run.stdout() + run.stderr();
                assertThat(everything).doesNotContain(password).doesNotContain(auth);
                for (String token : tokens.issuedTokens()) {
                    assertThat(everything)
                            .doesNotContain(token)
                            .doesNotContain(token.substring(token.lastIndexOf('.')));
                }
            }
        }
    }

    @Test
    void dockerConfigCredentialsAreUsedAndNeverPrinted() throws Exception {
        String authPrefix = TestRegistries.namespace(registries.authenticated(), "deja-e2e");
        Path dockerConfig = tmp.resolve("docker");
        Files.createDirectories(dockerConfig);
        String auth = Base64.getEncoder()
                .encodeToString((registries.credentials().username() + ":"
                                + registries.credentials().secret())
                        .getBytes(StandardCharsets.UTF_8));
        Files.writeString(
                dockerConfig.resolve("config.json"),
                "{\"auths\":{\"" + registries.authenticated() + "\":{\"auth\":\"" + auth + "\"}}}");
        Map<String, String> env =
                Map.of("DEJA_DIGEST_CACHE", "off", "DOCKER_CONFIG", dockerConfig.toString(), "HOME", tmp.toString());
        Run ok = Run.withEnvironment(env, "-C", tree.root().toString(), "--registry", authPrefix, "plan", "--json");
        assertThat(ok.code()).as(ok.stderr()).isZero();
        assertThat(ok.stdout()).contains("\"decision\" : \"build\"");

        Run refused = Run.withEnvironment(
                Map.of("DEJA_DIGEST_CACHE", "off", "HOME", tmp.toString()),
                "-C",
                tree.root().toString(),
                "--registry",
                authPrefix,
                "plan");
        assertThat(refused.code()).isEqualTo(3);
        assertThat(refused.stderr()).contains("401");
        for (Run run : List.of(ok, refused)) {
            assertThat(run.stdout() + run.stderr())
                    .doesNotContain(registries.credentials().secret())
                    .doesNotContain(auth);
        }
    }
}
