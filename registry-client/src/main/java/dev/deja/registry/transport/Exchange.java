package dev.deja.registry.transport;

import dev.deja.registry.RegistryException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * One logical request to a registry: retried on 429, 5xx and I/O errors within the {@link RetryPolicy}
 * (honouring {@code Retry-After}), re-authorized once on a 401 challenge.
 */
public final class Exchange {

    /** Every manifest type deja handles, most specific first: the default {@code Accept}. */
    public static final String MANIFEST_ACCEPT = String.join(
            ", ",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json");

    /** How the client waits between retries (a test can make it instant). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** Authorizes requests: the header for a registry and scope, and what to do with a 401 challenge. */
    public interface Authorizer {
        /** The {@code Authorization} header known for this registry and scope, or {@code null}. */
        String header(String registry, String scope);

        /** Answers a {@code WWW-Authenticate} challenge ({@code null} when the 401 had none). */
        void challenged(String registry, String scope, String challenge);

        /** What this side offered the registry, in words, for a refusal's message; "" when nothing is known. */
        default String offered(String registry) {
            return "";
        }
    }

    /** How a successful response's body is taken: kept in memory (small JSON), or streamed elsewhere (blobs). */
    @FunctionalInterface
    public interface BodyReader {
        byte[] read(Response response) throws IOException;
    }

    private static final BodyReader IN_MEMORY =
            response -> response.body() == null ? new byte[0] : response.body().bytes();

    /**
     * One request.
     *
     * @param scope  the token scope(s), space-separated ({@code repository:a:pull,push repository:b:pull})
     * @param accept the {@code Accept} header; {@code null} for {@link #MANIFEST_ACCEPT}
     */
    public record Call(
            String registry,
            String scope,
            String method,
            HttpUrl url,
            RequestBody body,
            String accept,
            BodyReader reader) {

        public Call(String registry, String scope, String method, HttpUrl url, RequestBody body) {
            this(registry, scope, method, url, body, null, IN_MEMORY);
        }
    }

    private final okhttp3.Call.Factory http;
    private final Authorizer authorizer;
    private final RetryPolicy retry;
    private final Sleeper sleeper;

    public Exchange(okhttp3.Call.Factory http, Authorizer authorizer, RetryPolicy retry, Sleeper sleeper) {
        this.http = http;
        this.authorizer = authorizer;
        this.retry = retry;
        this.sleeper = sleeper;
    }

    /** The answer of the last try; throws only when no try got an answer. */
    public Answer send(Call call) {
        String registry = call.registry();
        boolean reauthorized = false;
        IOException lastFailure = null;
        Answer last = null;
        for (int attempt = 1; attempt <= retry.attempts(); attempt++) {
            Request.Builder request = new Request.Builder()
                    .url(call.url())
                    .method(call.method(), call.body())
                    .header("Accept", call.accept() != null ? call.accept() : MANIFEST_ACCEPT)
                    .header("User-Agent", "deja");
            String authorization = authorizer.header(registry, call.scope());
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            try (Response response = http.newCall(request.build()).execute()) {
                ResponseBody responseBody = response.body();
                last = new Answer(
                        response.code(),
                        response.headers().toMultimap(),
                        responseBody == null || call.method().equals("HEAD")
                                ? new byte[0]
                                : response.isSuccessful() ? call.reader().read(response) : responseBody.bytes());
            } catch (IOException e) {
                lastFailure = e;
                last = null;
                pause(attempt, null, registry);
                continue;
            }
            if (last.code() == 401 && !reauthorized) {
                reauthorized = true;
                authorizer.challenged(registry, call.scope(), last.header("WWW-Authenticate"));
                attempt--;
                continue;
            }
            if (RetryPolicy.retryable(last.code()) && attempt < retry.attempts()) {
                pause(attempt, retryAfter(last.header("Retry-After")), registry);
                continue;
            }
            return last.code() == 401 ? last.refusedBecause(authorizer.offered(registry)) : last;
        }
        if (last != null) {
            return last;
        }
        throw new RegistryException(
                registry,
                "cannot reach " + registry + " after " + retry.attempts()
                        + " tries: "
                        + (lastFailure == null ? "no answer" : reason(lastFailure)),
                lastFailure);
    }

    /** Why a registry could not be reached, in words (the JDK's exceptions are named for programmers). */
    public static String reason(IOException e) {
        if (e instanceof UnknownHostException) {
            return "the host name does not resolve (DNS)";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof SocketTimeoutException) {
            return "no answer in time";
        }
        if (e instanceof SSLException) {
            return "TLS failed" + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        return e.getMessage() == null || e.getMessage().isBlank() ? "connection failed" : e.getMessage();
    }

    private void pause(int attempt, Duration retryAfter, String registry) {
        if (attempt >= retry.attempts()) {
            return;
        }
        try {
            sleeper.sleep(retry.delay(attempt, retryAfter));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(registry, "interrupted while waiting to retry", e);
        }
    }

    private static Duration retryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(header.strip()));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
