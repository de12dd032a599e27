package dev.deja.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.headRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.deja.registry.auth.CredentialSource;
import dev.deja.registry.auth.Credentials;
import dev.deja.registry.auth.DockerConfigCredentials;
import dev.deja.registry.transport.RetryPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a real registry cannot be made to do on demand, injected with WireMock: for each fault the decision is right
 * or the error is clear, a fault never looks like an existing image, and retries stay within their bound.
 */
class FaultInjectionTest {

    private static final String MANIFEST = "{\"schemaVersion\":2,\"mediaType\":"
            + "\"application/vnd.docker.distribution.manifest.v2+json\",\"config\":{},\"layers\":[]}";
    private static final String DIGEST = TestRegistryOps.digest(MANIFEST.getBytes(StandardCharsets.UTF_8));
    private static final String PATH = "/v2/acme/app/manifests/v1";
    private static final int ATTEMPTS = 4;

    private WireMockServer server;
    private final List<Duration> sleeps = new ArrayList<>();
    private Repository repository;

    @BeforeEach
    void start() {
        server = new WireMockServer(options().dynamicPort());
        server.start();
        repository = new Repository("127.0.0.1:" + server.port(), "acme/app");
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private RegistryClient client(CredentialSource credentials) {
        // Well under the stalled answers' delay (1.5 s), well over what a loaded CI machine takes to answer: a
        // shorter timeout makes every test that counts requests see a retry now and then.
        OkHttpClient http =
                new OkHttpClient.Builder().readTimeout(Duration.ofMillis(1000)).build();
        return new RegistryClient(
                http,
                credentials,
                new RetryPolicy(ATTEMPTS, Duration.ofMillis(10), Duration.ofSeconds(30)),
                Set.of(),
                sleeps::add);
    }

    private RegistryClient anonymous() {
        return client(CredentialSource.anonymous());
    }

    private CredentialSource user() {
        return CredentialSource.of(Map.of(repository.registry(), new Credentials("user", "s3cret-pass")));
    }

    private int heads() {
        return server.countRequestsMatching(headRequestedFor(urlEqualTo(PATH)).build())
                .getCount();
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder found() {
        return aResponse()
                .withStatus(200)
                .withHeader("Docker-Content-Digest", DIGEST)
                .withHeader("Content-Type", "application/vnd.docker.distribution.manifest.v2+json")
                .withHeader("Content-Length", String.valueOf(MANIFEST.length()));
    }

    @Test
    void basicChallengeThenSuccess() {
        server.stubFor(head(urlEqualTo(PATH))
                .withHeader("Authorization", equalTo("Basic dXNlcjpzM2NyZXQtcGFzcw=="))
                .atPriority(1)
                .willReturn(found()));
        server.stubFor(head(urlEqualTo(PATH))
                .atPriority(2)
                .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Basic realm=\"test\"")));
        assertThat(client(user()).exists(repository, "v1").orElseThrow().digest())
                .isEqualTo(DIGEST);
        assertThat(heads()).isEqualTo(2);
    }

    @Test
    void expiredTokenMidRunIsRenewedOnce() {
        String challenge = "Bearer realm=\"http://127.0.0.1:" + server.port() + "/token\",service=\"reg\"";
        server.stubFor(get(urlPathEqualTo("/token"))
                .inScenario("tokens")
                .whenScenarioStateIs(STARTED)
                .willSetStateTo("second")
                .willReturn(aResponse().withBody("{\"token\":\"tok-1\",\"expires_in\":300}")));
        server.stubFor(get(urlPathEqualTo("/token"))
                .inScenario("tokens")
                .whenScenarioStateIs("second")
                .willReturn(aResponse().withBody("{\"access_token\":\"tok-2\",\"expires_in\":300}")));
        server.stubFor(head(urlEqualTo(PATH))
                .withHeader("Authorization", equalTo("Bearer tok-2"))
                .atPriority(1)
                .willReturn(found()));
        server.stubFor(head(urlEqualTo(PATH))
                .withHeader("Authorization", equalTo("Bearer tok-1"))
                .atPriority(2)
                .inScenario("expiry")
                .whenScenarioStateIs(STARTED)
                .willSetStateTo("expired")
                .willReturn(found()));
        server.stubFor(head(urlEqualTo(PATH))
                .atPriority(3)
                .willReturn(aResponse()
                        .withStatus(401)
                        .withHeader("WWW-Authenticate", challenge + ",scope=\"repository:acme/app:pull\"")));
        RegistryClient client = client(user());
        assertThat(client.exists(repository, "v1")).isPresent(); // 401, token 1, 200
        assertThat(client.exists(repository, "v1")).isPresent(); // token 1 now refused: 401, token 2, 200
        assertThat(client.exists(repository, "v1")).isPresent(); // token 2 reused: 200
        assertThat(server.countRequestsMatching(
                                getRequestedFor(urlPathEqualTo("/token")).build())
                        .getCount())
                .isEqualTo(2);
        assertThat(heads()).isEqualTo(5);
    }

    @Test
    void forbiddenIsAnErrorNotRetried() {
        server.stubFor(head(urlEqualTo(PATH)).willReturn(aResponse().withStatus(403)));
        assertThatThrownBy(() -> anonymous().exists(repository, "v1"))
                .isInstanceOf(RegistryException.class)
                .satisfies(e -> assertThat(((RegistryException) e).status()).isEqualTo(403))
                .satisfies(e -> assertThat(((RegistryException) e).code()).isEqualTo("DENIED"));
        assertThat(heads()).isEqualTo(1);
    }

    @Test
    void missingRepositoryIsMissingNotAnError() {
        server.stubFor(head(urlEqualTo(PATH)).willReturn(aResponse().withStatus(404)));
        server.stubFor(
                get(urlEqualTo(PATH))
                        .willReturn(
                                aResponse()
                                        .withStatus(404)
                                        .withBody(
                                                "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known\"}]}")));
        assertThat(anonymous().exists(repository, "v1")).isEmpty();
        assertThat(anonymous().manifest(repository, "v1")).isEmpty();
        assertThat(heads()).isEqualTo(1);
    }

    @Test
    void tooManyRequestsHonoursRetryAfter() {
        server.stubFor(head(urlEqualTo(PATH))
                .inScenario("429")
                .whenScenarioStateIs(STARTED)
                .willSetStateTo("ok")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")));
        server.stubFor(head(urlEqualTo(PATH))
                .inScenario("429")
                .whenScenarioStateIs("ok")
                .willReturn(found()));
        assertThat(anonymous().exists(repository, "v1")).isPresent();
        assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
        assertThat(heads()).isEqualTo(2);
    }

    @Test
    void persistentServerErrorStopsAtTheBound() {
        server.stubFor(head(urlEqualTo(PATH)).willReturn(aResponse().withStatus(500)));
        assertThatThrownBy(() -> anonymous().exists(repository, "v1"))
                .isInstanceOf(RegistryException.class)
                .satisfies(e -> assertThat(((RegistryException) e).status()).isEqualTo(500));
        assertThat(heads()).isEqualTo(ATTEMPTS);
        assertThat(sleeps).hasSize(ATTEMPTS - 1);
    }

    @Test
    void badGatewayThenUnavailableThenSuccess() {
        server.stubFor(head(urlEqualTo(PATH))
                .inScenario("5xx")
                .whenScenarioStateIs(STARTED)
                .willSetStateTo("503")
                .willReturn(aResponse().withStatus(502)));
        server.stubFor(head(urlEqualTo(PATH))
                .inScenario("5xx")
                .whenScenarioStateIs("503")
                .willSetStateTo("ok")
                .willReturn(aResponse().withStatus(503)));
        server.stubFor(head(urlEqualTo(PATH))
                .inScenario("5xx")
                .whenScenarioStateIs("ok")
                .willReturn(found()));
        assertThat(anonymous().exists(repository, "v1").orElseThrow().digest()).isEqualTo(DIGEST);
        assertThat(heads()).isEqualTo(3);
    }

    @Test
    void connectionResetIsRetriedThenReportedUnreachable() {
        server.stubFor(head(urlEqualTo(PATH)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        assertThatThrownBy(() -> anonymous().exists(repository, "v1"))
                .isInstanceOf(RegistryException.class)
                .satisfies(
                        e -> assertThat(((RegistryException) e).unreachable()).isTrue())
                .hasMessageContaining("after " + ATTEMPTS + " tries");
        assertThat(heads()).isEqualTo(ATTEMPTS);
    }

    @Test
    void readTimeoutIsRetriedThenReported() {
        server.stubFor(head(urlEqualTo(PATH)).willReturn(found().withFixedDelay(1500)));
        assertThatThrownBy(() -> anonymous().exists(repository, "v1"))
                .isInstanceOf(RegistryException.class)
                .satisfies(
                        e -> assertThat(((RegistryException) e).unreachable()).isTrue())
                .hasMessageContaining("no answer in time");
        assertThat(heads()).isEqualTo(ATTEMPTS);
    }

    @Test
    void truncatedBodyIsNeverTakenForTheManifest() {
        server.stubFor(get(urlEqualTo(PATH))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Docker-Content-Digest", DIGEST)
                        .withHeader("Content-Type", "application/vnd.docker.distribution.manifest.v2+json")
                        .withBody(MANIFEST.substring(0, 40))));
        assertThatThrownBy(() -> anonymous().manifest(repository, "v1"))
                .isInstanceOf(RegistryException.class)
                .satisfies(e -> assertThat(((RegistryException) e).code()).isEqualTo("DIGEST_MISMATCH"));
    }

    @Test
    void chunkCutMidBodyIsRetriedAsAnIoError() {
        server.stubFor(get(urlEqualTo(PATH)).willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
        assertThatThrownBy(() -> anonymous().manifest(repository, "v1"))
                .isInstanceOf(RegistryException.class)
                .satisfies(
                        e -> assertThat(((RegistryException) e).unreachable()).isTrue());
        assertThat(server.countRequestsMatching(
                                getRequestedFor(urlEqualTo(PATH)).build())
                        .getCount())
                .isEqualTo(ATTEMPTS);
    }

    @Test
    void malformedJsonIsAClearError() {
        server.stubFor(get(urlPathEqualTo("/v2/acme/app/tags/list"))
                .willReturn(aResponse().withStatus(200).withBody("{\"tags\": [\"a\", ")));
        assertThatThrownBy(() -> TestRegistryOps.tags(anonymous(), repository, 10))
                .isInstanceOf(RegistryException.class)
                .satisfies(e -> assertThat(((RegistryException) e).code()).isEqualTo("MALFORMED"));
    }

    @Test
    void missingDigestHeaderFallsBackToGetAndHashes() {
        server.stubFor(head(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)));
        server.stubFor(get(urlEqualTo(PATH))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/vnd.docker.distribution.manifest.v2+json")
                        .withBody(MANIFEST)));
        ManifestDescriptor found = anonymous().exists(repository, "v1").orElseThrow();
        assertThat(found.digest()).isEqualTo(DIGEST);
        assertThat(found.size()).isEqualTo(MANIFEST.length());
        assertThat(heads()).isEqualTo(1);
    }

    @Test
    void headRefusedFallsBackToGet() {
        server.stubFor(head(urlEqualTo(PATH)).willReturn(aResponse().withStatus(405)));
        server.stubFor(get(urlEqualTo(PATH))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withBody(MANIFEST)
                        .withHeader("Content-Type", "application/vnd.docker.distribution.manifest.v2+json")));
        assertThat(anonymous().exists(repository, "v1").orElseThrow().digest()).isEqualTo(DIGEST);
    }

    @Test
    void redirectToAnotherHostCarriesNoAuthorization() {
        WireMockServer other = new WireMockServer(options().dynamicPort());
        other.start();
        try {
            other.stubFor(get(urlEqualTo("/blobstore/manifest"))
                    .willReturn(aResponse()
                            .withStatus(200)
                            .withHeader("Content-Type", "application/vnd.docker.distribution.manifest.v2+json")
                            .withBody(MANIFEST)));
            server.stubFor(get(urlEqualTo(PATH))
                    .withHeader("Authorization", equalTo("Basic dXNlcjpzM2NyZXQtcGFzcw=="))
                    .atPriority(1)
                    .willReturn(aResponse()
                            .withStatus(307)
                            .withHeader("Location", "http://localhost:" + other.port() + "/blobstore/manifest")));
            server.stubFor(get(urlEqualTo(PATH))
                    .atPriority(2)
                    .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Basic realm=\"test\"")));
            Manifest manifest = client(user()).manifest(repository, "v1").orElseThrow();
            assertThat(manifest.digest()).isEqualTo(DIGEST);
            other.verify(1, getRequestedFor(urlEqualTo("/blobstore/manifest")).withoutHeader("Authorization"));
        } finally {
            other.stop();
        }
    }

    @Test
    void identityTokenFromDockerConfigIsExchangedByOAuth2(@TempDir Path dir) throws Exception {
        Files.writeString(
                dir.resolve("config.json"),
                "{\"auths\":{\"" + repository.registry() + "\":{\"identitytoken\":\"refresh-abc\"}}}");
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/oauth2/token"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("grant_type=refresh_token"))
                .withRequestBody(
                        com.github.tomakehurst.wiremock.client.WireMock.containing("refresh_token=refresh-abc"))
                .willReturn(aResponse().withBody("{\"access_token\":\"acc-1\",\"expires_in\":300}")));
        server.stubFor(head(urlEqualTo(PATH))
                .withHeader("Authorization", equalTo("Bearer acc-1"))
                .atPriority(1)
                .willReturn(found()));
        server.stubFor(head(urlEqualTo(PATH))
                .atPriority(2)
                .willReturn(aResponse()
                        .withStatus(401)
                        .withHeader(
                                "WWW-Authenticate",
                                "Bearer realm=\"http://127.0.0.1:" + server.port()
                                        + "/oauth2/token\",service=\"reg\"")));
        RegistryClient client = client(new DockerConfigCredentials(Map.of("DOCKER_CONFIG", dir.toString())));
        assertThat(client.exists(repository, "v1")).isPresent();
        assertThat(server.countRequestsMatching(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                                        urlPathEqualTo("/oauth2/token"))
                                .build())
                        .getCount())
                .isEqualTo(1);
    }

    @Test
    void secretsNeverAppearInErrors() {
        server.stubFor(head(urlEqualTo(PATH))
                .willReturn(aResponse()
                        .withStatus(401)
                        .withHeader(
                                "WWW-Authenticate",
                                "Bearer realm=\"http://127.0.0.1:" + server.port() + "/token\",service=\"reg\"")));
        server.stubFor(get(urlPathEqualTo("/token")).willReturn(aResponse().withBody("{\"token\":\"tok-secret\"}")));
        Throwable error = org.assertj.core.api.Assertions.catchThrowable(
                () -> client(user()).exists(repository, "v1"));
        assertThat(error).isInstanceOf(RegistryException.class);
        assertThat(error.getMessage())
                .doesNotContain("s3cret-pass")
                .doesNotContain("tok-secret")
                .doesNotContain("dXNlcjpzM2NyZXQtcGFzcw==");
    }

    /** An image in acme/app whose one layer is {@code layer}; copy() to acme/copy must move that layer. */
    private String stubImageForCopy(byte[] layer, byte[] served) {
        String layerDigest = TestRegistryOps.digest(layer);
        String config = "{}";
        String configDigest = TestRegistryOps.digest(config.getBytes(StandardCharsets.UTF_8));
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":2,"
                + "\"digest\":\"" + configDigest + "\"},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":" + layer.length + ",\"digest\":\""
                + layerDigest + "\"}]}";
        String manifestDigest = TestRegistryOps.digest(manifest.getBytes(StandardCharsets.UTF_8));
        server.stubFor(get(urlEqualTo("/v2/acme/app/manifests/v1"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/vnd.docker.distribution.manifest.v2+json")
                        .withHeader("Docker-Content-Digest", manifestDigest)
                        .withBody(manifest)));
        // The config mounts; the layer's mount is declined with an upload session (202), as registries may.
        server.stubFor(
                com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/v2/acme/copy/blobs/uploads/"))
                        .withQueryParam("mount", equalTo(configDigest))
                        .willReturn(aResponse().withStatus(201)));
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
                        urlPathEqualTo("/v2/acme/copy/blobs/uploads/"))
                .withQueryParam("mount", equalTo(layerDigest))
                .willReturn(
                        aResponse().withStatus(202).withHeader("Location", "/v2/acme/copy/blobs/uploads/session-1")));
        server.stubFor(get(urlEqualTo("/v2/acme/app/blobs/" + layerDigest))
                .willReturn(aResponse().withStatus(200).withBody(served)));
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.put(
                        urlPathEqualTo("/v2/acme/copy/blobs/uploads/session-1"))
                .willReturn(aResponse().withStatus(201)));
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.put(urlEqualTo("/v2/acme/copy/manifests/v1"))
                .willReturn(aResponse().withStatus(201).withHeader("Docker-Content-Digest", manifestDigest)));
        return layerDigest;
    }

    @Test
    void aDeclinedMountStreamsTheBlobFromTheSourceAndUploadsItWhole() {
        byte[] layer = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(layer);
        String layerDigest = stubImageForCopy(layer, layer);
        anonymous().copy(repository, new Repository(repository.registry(), "acme/copy"), "v1", List.of("v1"));
        server.verify(
                1,
                com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor(
                                urlPathEqualTo("/v2/acme/copy/blobs/uploads/session-1"))
                        .withQueryParam("digest", equalTo(layerDigest))
                        .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.binaryEqualTo(layer)));
        server.verify(
                1,
                com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor(
                        urlEqualTo("/v2/acme/copy/manifests/v1")));
    }

    @Test
    void aBlobThatArrivesAlteredIsNeverUploaded() {
        byte[] layer = "the real layer".getBytes(StandardCharsets.UTF_8);
        stubImageForCopy(layer, "an altered layer".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> anonymous()
                        .copy(repository, new Repository(repository.registry(), "acme/copy"), "v1", List.of("v1")))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("arrived altered");
        server.verify(
                0,
                com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor(
                        urlPathEqualTo("/v2/acme/copy/blobs/uploads/session-1")));
        server.verify(
                0,
                com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor(
                        urlEqualTo("/v2/acme/copy/manifests/v1")));
    }
}
