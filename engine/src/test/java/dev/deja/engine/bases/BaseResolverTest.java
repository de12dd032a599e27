package dev.deja.engine.bases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.deja.engine.graph.BaseUse;
import dev.deja.registry.Manifest;
import dev.deja.registry.RegistryClient;
import dev.deja.registry.RegistryException;
import dev.deja.registry.Repository;
import dev.deja.registry.TestImages;
import dev.deja.registry.TestRegistries;
import dev.deja.registry.TokenServer;
import dev.deja.registry.auth.CredentialSource;
import dev.deja.registry.auth.Credentials;
import dev.deja.registry.transport.RetryPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Bases resolved against the real registries of the test environment. */
class BaseResolverTest {

    private static final Path ROOT = Path.of("/repo");

    private static BaseUse from(String reference) {
        return new BaseUse("app", reference, "FROM", ROOT.resolve("app/Dockerfile"), 1, true);
    }

    @Test
    void aMultiPlatformBaseResolvesToItsIndexDigest() {
        TestRegistries registries = TestRegistries.require();
        RegistryClient client = RegistryClient.create(CredentialSource.anonymous(), Set.of());
        String name = registries.plain() + "/deja-test/base-" + UUID.randomUUID();
        Repository repository = Repository.parse(name);
        Manifest amd64 = TestImages.image(client, repository, "amd64");
        Manifest arm64 = TestImages.image(client, repository, "arm64");
        client.putManifest(repository, amd64.digest(), amd64);
        client.putManifest(repository, arm64.digest(), arm64);
        Manifest index = TestImages.index(List.of(amd64, arm64));
        client.putManifest(repository, "multi", index);

        Map<String, String> digests = new BaseResolver(client, Mirrors.none(), ROOT)
                .resolve(List.of(from(name + ":multi"), from(name + ":multi")));

        assertThat(digests).containsExactly(Map.entry(name + ":multi", index.digest()));
    }

    @Test
    void dockerHubNamesResolveAgainstAStandInThroughItsBearerTokenFlow() throws Exception {
        TestRegistries registries = TestRegistries.require();
        try (TokenServer tokens =
                new TokenServer(registries.tokenPort(), registries.tokenKey(), registries.tokenCertificate())) {
            String image = "pybase-" + UUID.randomUUID().toString().substring(0, 8);
            Repository hubRepository = Repository.parse(registries.tokenRegistry() + "/library/" + image);
            RegistryClient pusher = RegistryClient.create(
                    CredentialSource.of(
                            Map.of(registries.tokenRegistry(), new Credentials("deja", "token-user-secret"))),
                    Set.of());
            Manifest manifest = TestImages.image(pusher, hubRepository, "python 3.12");
            pusher.putManifest(hubRepository, "3.12-slim", manifest);

            RegistryClient anonymous = RegistryClient.create(CredentialSource.anonymous(), Set.of());
            Mirrors hub = Mirrors.from(Map.of(Mirrors.VARIABLE, "docker.io=" + registries.tokenRegistry()));
            Map<String, String> digests =
                    new BaseResolver(anonymous, hub, ROOT).resolve(List.of(from(image + ":3.12-slim")));

            assertThat(digests)
                    .containsExactly(Map.entry("docker.io/library/" + image + ":3.12-slim", manifest.digest()));
            assertThat(tokens.requestedScopes())
                    .as("an anonymous pull token for library/" + image + ", as Docker Hub's auth service gives")
                    .contains(List.of("repository:library/" + image + ":pull"));
        }
    }

    @Test
    void anUnreachableRegistryNamesTheBaseAndWhereItIsUsed() {
        RegistryClient client = RegistryClient.create(
                CredentialSource.anonymous(),
                Set.of(),
                null,
                new RetryPolicy(1, java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(1)));
        RegistryException error = catchThrowableOfType(
                () -> new BaseResolver(client, Mirrors.none(), ROOT)
                        .resolve(List.of(from("127.0.0.1:9/acme/runtime:1"))),
                RegistryException.class);
        assertThat(error.unreachable()).isTrue();
        assertThat(error.getMessage())
                .contains("base image 127.0.0.1:9/acme/runtime:1 (FROM in image 'app' at app/Dockerfile:1)");
    }

    @Test
    void aTagThatDoesNotExistIsAnErrorNotADecision() {
        TestRegistries registries = TestRegistries.require();
        RegistryClient client = RegistryClient.create(CredentialSource.anonymous(), Set.of());
        String reference = registries.plain() + "/deja-test/none-" + UUID.randomUUID() + ":1";
        RegistryException error = catchThrowableOfType(
                () -> new BaseResolver(client, Mirrors.none(), ROOT).resolve(List.of(from(reference))),
                RegistryException.class);
        assertThat(error.status()).isEqualTo(404);
        assertThat(error.getMessage()).contains("base image " + reference).contains("no such tag");
    }
}
