package dev.deja.registry;

import dev.deja.registry.auth.Credentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The real registries scripts/test-env.sh started, read from {@code .test-env/env} at the project root (or from
 * the environment). Without them the registry tests are skipped with a message saying how to start them; CI always
 * starts them.
 */
public final class TestRegistries {

    private final Map<String, String> values;

    private TestRegistries(Map<String, String> values) {
        this.values = values;
    }

    public static TestRegistries require() {
        Map<String, String> values = new HashMap<>(System.getenv());
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path env = dir.resolve(".test-env/env");
            if (Files.isRegularFile(env)) {
                try {
                    for (String line : Files.readAllLines(env)) {
                        String[] kv = line.replaceFirst("^export ", "").split("=", 2);
                        if (kv.length == 2) {
                            values.putIfAbsent(kv[0], kv[1]);
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                break;
            }
        }
        Assumptions.assumeTrue(
                values.containsKey("DEJA_TEST_REGISTRY"), "no test registry: run scripts/test-env.sh first (CI does)");
        return new TestRegistries(values);
    }

    public String plain() {
        return values.get("DEJA_TEST_REGISTRY");
    }

    /**
     * {@code <registry>/<name>-<8 random hex>}: a namespace of its own in a test registry, so that runs and tests
     * never see each other's images.
     */
    public static String namespace(String registry, String name) {
        return registry + "/" + name + "-"
                + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * {@code DEJA_REGISTRY_MIRRORS} for deja runs: docker.io answered by the plain registry, which serves the base
     * image {@code library/deja-busybox} (the test daemons take it as their Docker Hub mirror too).
     */
    public String mirrors() {
        return values.getOrDefault("DEJA_TEST_MIRRORS", "docker.io=" + plain());
    }

    public String authenticated() {
        return values.get("DEJA_TEST_AUTH_REGISTRY");
    }

    /**
     * The test dockerd's socket (scripts/test-env.sh --docker), if it was started: bookworm's 20.10, or with
     * {@code DEJA_TEST_ENGINE=current} trixie's 26 (the engine tests run against both: .ci/run runs them twice).
     */
    public Optional<String> dockerHost() {
        return "current".equals(values.get("DEJA_TEST_ENGINE"))
                ? currentDockerHost()
                : Optional.ofNullable(values.get("DEJA_TEST_DOCKER_HOST"));
    }

    /**
     * The current engine's socket (dockerd 26 with a current BuildKit: named contexts and the rest that dockerd
     * 20.10's built-in BuildKit lacks), if it was started.
     */
    public Optional<String> currentDockerHost() {
        return Optional.ofNullable(values.get("DEJA_TEST_CURRENT_DOCKER_HOST"));
    }

    /**
     * A dockerd 26 on the containerd image store, if it was started: its builder attaches provenance attestations
     * (every push is an image index) and writes registry cache with the docker driver.
     */
    public Optional<String> containerdDockerHost() {
        return Optional.ofNullable(values.get("DEJA_TEST_CONTAINERD_DOCKER_HOST"));
    }

    public String tokenRegistry() {
        return values.get("DEJA_TEST_TOKEN_REGISTRY");
    }

    public int tokenPort() {
        return Integer.parseInt(values.get("DEJA_TEST_TOKEN_PORT"));
    }

    public Path tokenKey() {
        return Path.of(values.get("DEJA_TEST_TOKEN_KEY"));
    }

    public Path tokenCertificate() {
        return Path.of(values.get("DEJA_TEST_TOKEN_CERT"));
    }

    public Credentials credentials() {
        return new Credentials(values.get("DEJA_TEST_AUTH_USER"), values.get("DEJA_TEST_AUTH_PASSWORD"));
    }
}
