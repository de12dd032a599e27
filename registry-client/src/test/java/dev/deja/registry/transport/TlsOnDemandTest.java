package dev.deja.registry.transport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import javax.net.ssl.SSLException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TlsOnDemandTest {

    private WireMockServer server;

    @BeforeEach
    void start() {
        server = new WireMockServer(options().dynamicPort().dynamicHttpsPort());
        server.start();
        server.stubFor(
                get(urlEqualTo("/v2/")).willReturn(aResponse().withStatus(200).withBody("{}")));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void plainCallsNeverSetTlsUpAndHttpsCallsDoOnTheirFirstUse() throws Exception {
        TlsOnDemand calls = new TlsOnDemand(new OkHttpClient.Builder());
        try (Response response = calls.newCall(new Request.Builder()
                        .url("http://127.0.0.1:" + server.port() + "/v2/")
                        .build())
                .execute()) {
            assertThat(response.code()).isEqualTo(200);
        }
        assertThat(calls.secured()).isFalse();
        // WireMock's own certificate is trusted by nobody: the handshake's refusal shows TLS was spoken, with the
        // platform's trust store (a client without TLS would not have tried).
        assertThatThrownBy(() -> calls.newCall(new Request.Builder()
                                .url("https://localhost:" + server.httpsPort() + "/v2/")
                                .build())
                        .execute()
                        .close())
                .isInstanceOf(SSLException.class)
                .hasMessageContaining("PKIX");
        assertThat(calls.secured()).isTrue();
    }
}
