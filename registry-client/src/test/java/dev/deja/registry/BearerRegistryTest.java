package dev.deja.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.registry.auth.CredentialSource;
import dev.deja.registry.auth.Credentials;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real registry configured with {@code auth: token}, trusting a key made by scripts/test-env.sh; this test
 * serves the signed tokens. Shows the challenge flow, token reuse per scope, and one token for push + mount.
 */
class BearerRegistryTest {

    private TestRegistries registries;
    private TokenServer tokens;

    @BeforeEach
    void start() throws Exception {
        registries = TestRegistries.require();
        tokens = new TokenServer(registries.tokenPort(), registries.tokenKey(), registries.tokenCertificate());
    }

    @AfterEach
    void stop() {
        if (tokens != null) {
            tokens.close();
        }
    }

    @Test
    void tokensAreFetchedOncePerScopeAndUnitedForPushAndMount() {
        RegistryClient client = RegistryClient.create(
                CredentialSource.of(Map.of(registries.tokenRegistry(), new Credentials("deja", "token-user-secret"))),
                Set.of());
        String name = "deja-test/bearer-" + UUID.randomUUID();
        Repository source = Repository.parse(registries.tokenRegistry() + "/" + name);

        Manifest manifest = TestImages.image(client, source, "bearer");
        client.putManifest(source, "v1", manifest);
        int afterPush = tokens.requestedScopes().size();
        assertThat(tokens.requestedScopes()).contains(List.of("repository:" + name + ":pull,push"));

        for (int i = 0; i < 5; i++) {
            assertThat(client.exists(source, "v1").orElseThrow().digest()).isEqualTo(manifest.digest());
        }
        assertThat(tokens.requestedScopes().size())
                .as("the pull token of the push, reused five times")
                .isEqualTo(afterPush);
        assertThat(tokens.requestedScopes())
                .filteredOn(s -> s.equals(List.of("repository:" + name + ":pull")))
                .hasSize(1);

        Repository target = Repository.parse(registries.tokenRegistry() + "/" + name + "-copy");
        client.copy(source, target, "v1", List.of("v1"));
        assertThat(tokens.requestedScopes())
                .contains(List.of("repository:" + name + "-copy:pull,push", "repository:" + name + ":pull"));
        assertThat(client.exists(target, "v1").orElseThrow().digest()).isEqualTo(manifest.digest());
    }

    @Test
    void withoutAValidTokenTheRegistryRefuses() {
        RegistryClient client = RegistryClient.create(CredentialSource.anonymous(), Set.of());
        tokens.close();
        tokens = null;
        Repository repo = Repository.parse(registries.tokenRegistry() + "/deja-test/none");
        Throwable error = org.assertj.core.api.Assertions.catchThrowable(() -> client.exists(repo, "v1"));
        assertThat(error).isInstanceOf(RegistryException.class);
        assertThat(((RegistryException) error).unreachable())
                .as("token service down")
                .isTrue();
    }
}
