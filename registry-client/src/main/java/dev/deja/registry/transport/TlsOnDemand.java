package dev.deja.registry.transport;

import java.util.List;
import okhttp3.Call;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * Calls over plain HTTP without setting TLS up, and over HTTPS through a client whose TLS is set up on the first such
 * call. An OkHttp client loads the platform's trust store and makes its TLS context when it is built, a tenth of a
 * second of CPU that a run speaking only to plain-HTTP registries (loopback, {@code --insecure-registry}) never needs.
 * Both clients share one connection pool and dispatcher.
 */
public final class TlsOnDemand implements Call.Factory {

    private final OkHttpClient plain;
    private OkHttpClient secure;

    /** @param builder the settings of every call (timeouts, interceptors); its connection specs are replaced */
    public TlsOnDemand(OkHttpClient.Builder builder) {
        this.plain = builder.connectionSpecs(List.of(ConnectionSpec.CLEARTEXT)).build();
    }

    @Override
    public Call newCall(Request request) {
        return (request.isHttps() ? secure() : plain).newCall(request);
    }

    /** Whether an HTTPS call was made, and TLS set up for it. */
    synchronized boolean secured() {
        return secure != null;
    }

    /** A lock per HTTPS call: nothing next to the request it makes. */
    private synchronized OkHttpClient secure() {
        if (secure == null) {
            secure = plain.newBuilder()
                    .connectionSpecs(List.of(ConnectionSpec.MODERN_TLS, ConnectionSpec.CLEARTEXT))
                    .build();
        }
        return secure;
    }
}
