package dev.deja.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.deja.registry.auth.CredentialSource;
import dev.deja.registry.transport.RetryPolicy;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A client prepared ahead of its first request (on a thread of its own) asks nothing of any registry until asked. */
class PrepareTest {

    private WireMockServer server;

    @BeforeEach
    void start() {
        server = new WireMockServer(options().dynamicPort());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void preparingSendsNothingAndThePreparedClientAnswersAsBefore() {
        server.stubFor(head(urlEqualTo("/v2/acme/app/manifests/v1"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Docker-Content-Digest", "sha256:" + "a".repeat(64))
                        .withHeader("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                        .withHeader("Content-Length", "2")));
        RegistryClient client =
                RegistryClient.create(CredentialSource.anonymous(), Set.of(), null, RetryPolicy.DEFAULT);

        assertThat(client.prepare()).isSameAs(client);
        assertThat(server.getAllServeEvents()).isEmpty();

        Repository repository = new Repository("localhost:" + server.port(), "acme/app");
        assertThat(client.exists(repository, "v1"))
                .hasValueSatisfying(found -> assertThat(found.digest()).isEqualTo("sha256:" + "a".repeat(64)));
        assertThat(server.getAllServeEvents()).hasSize(1);
    }
}
