package dev.deja.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deja.registry.auth.CredentialSource;
import dev.deja.registry.auth.TokenAuthenticator;
import dev.deja.registry.json.JsonTrees;
import dev.deja.registry.transport.Answer;
import dev.deja.registry.transport.DebugLog;
import dev.deja.registry.transport.ErrorBodies;
import dev.deja.registry.transport.Exchange;
import dev.deja.registry.transport.RetryPolicy;
import dev.deja.registry.transport.Schemes;
import dev.deja.registry.transport.TlsOnDemand;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;

/**
 * The OCI Distribution API operations deja uses: manifests (HEAD, GET, PUT) and the copy of an image between
 * repositories of one registry. Authentication ({@link TokenAuthenticator}), retries ({@link Exchange}) and the
 * http/https choice ({@link Schemes}) are below it; no credential or token ever reaches a message.
 */
public final class RegistryClient {

    private final Exchange exchange;
    private final Schemes schemes;
    private final BlobMounter mounter;

    public RegistryClient(
            okhttp3.Call.Factory http,
            CredentialSource credentials,
            RetryPolicy retry,
            Set<String> insecureRegistries,
            Exchange.Sleeper sleeper) {
        this.exchange = new Exchange(http, new TokenAuthenticator(http, credentials), retry, sleeper);
        this.schemes = new Schemes(insecureRegistries);
        this.mounter = new BlobMounter(exchange, this::base);
    }

    public static RegistryClient create(CredentialSource credentials, Set<String> insecureRegistries) {
        return create(credentials, insecureRegistries, null, RetryPolicy.DEFAULT);
    }

    /**
     * @param debug where to write one line per HTTP exchange ({@link DebugLog}), or {@code null}
     * @param retry how often and how long to retry
     */
    public static RegistryClient create(
            CredentialSource credentials, Set<String> insecureRegistries, Consumer<String> debug, RetryPolicy retry) {
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(Duration.ofSeconds(60))
                .followRedirects(true);
        if (debug != null) {
            builder.addNetworkInterceptor(new DebugLog(debug));
        }
        return new RegistryClient(
                new TlsOnDemand(builder), credentials, retry, insecureRegistries, d -> Thread.sleep(d.toMillis()));
    }

    /**
     * Does, ahead of the first request, what that request would otherwise do first on a cold JVM: loads the JDK's
     * security providers (OkHttp lists them on its first connection, to choose its TLS platform, even for plain HTTP:
     * 20-40 ms of CPU) and the image reference grammar (whose first use initializes the JDK's number formats: 40 ms).
     * For a caller that starts the client on a thread of its own while it does other work.
     */
    public RegistryClient prepare() {
        java.security.Security.getProviders();
        HttpUrl.get("http://localhost/");
        Repository.parse("localhost/prepare");
        schemes.scheme("127.0.0.1");
        return this;
    }

    /** The manifest's descriptor if {@code reference} (tag or digest) exists; empty on 404. */
    public Optional<ManifestDescriptor> exists(Repository repository, String reference) {
        Answer answer = send(repository, false, "HEAD", manifestUrl(repository, reference), null);
        if (answer.code() == 404) {
            return Optional.empty();
        }
        String digest = answer.header("Docker-Content-Digest");
        if (answer.code() == 405 || (answer.successful() && digest == null)) {
            // Some registries refuse HEAD or omit the digest: read the manifest and hash it.
            return manifest(repository, reference)
                    .map(m -> new ManifestDescriptor(m.digest(), m.mediaType(), m.content().length));
        }
        expectSuccess(repository, answer, "HEAD manifest " + reference);
        String length = answer.header("Content-Length");
        return Optional.of(
                new ManifestDescriptor(digest, answer.mediaType(), length == null ? -1 : Long.parseLong(length)));
    }

    /** The manifest as stored, digest verified; empty on 404. */
    public Optional<Manifest> manifest(Repository repository, String reference) {
        Answer answer = send(repository, false, "GET", manifestUrl(repository, reference), null);
        if (answer.code() == 404) {
            return Optional.empty();
        }
        expectSuccess(repository, answer, "GET manifest " + reference);
        String digest = Digests.of(answer.body());
        String announced = answer.header("Docker-Content-Digest");
        String expected = reference.startsWith("sha256:") ? reference : announced;
        if (expected != null && expected.startsWith("sha256:") && !expected.equals(digest)) {
            throw new RegistryException(
                    repository.registry(),
                    answer.code(),
                    "DIGEST_MISMATCH",
                    "manifest " + repository.path() + "@" + reference + " hashes to " + digest + ", not " + expected
                            + " (truncated or altered in transit)");
        }
        return Optional.of(new Manifest(answer.body(), answer.mediaType(), digest));
    }

    /**
     * The labels of an image's config ({@code config.Labels}); for an index, those of its first image manifest (an
     * attestation manifest has none). Empty when the tag does not exist.
     */
    public Optional<java.util.Map<String, String>> labels(Repository repository, String reference) {
        Optional<Manifest> found = manifest(repository, reference);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        JsonNode node = json(repository, found.get().content(), "manifest " + reference);
        if (node.has("manifests")) {
            for (JsonNode child : node.path("manifests")) {
                if (!child.path("platform").path("os").asText().equals("unknown")) {
                    return labels(repository, child.path("digest").asText());
                }
            }
            return Optional.of(java.util.Map.of());
        }
        String config = node.path("config").path("digest").asText();
        Answer answer = send(repository, false, "GET", blobUrl(repository, config), null);
        expectSuccess(repository, answer, "GET blob " + config);
        if (!Digests.of(answer.body()).equals(config)) {
            throw new RegistryException(
                    repository.registry(), answer.code(), "DIGEST_MISMATCH", "config " + config + " hashes otherwise");
        }
        java.util.Map<String, String> labels = new java.util.TreeMap<>();
        json(repository, answer.body(), "config " + config)
                .path("config")
                .path("Labels")
                .fields()
                .forEachRemaining(
                        label -> labels.put(label.getKey(), label.getValue().asText()));
        return Optional.of(labels);
    }

    private static JsonNode json(Repository repository, byte[] content, String what) {
        try {
            return JsonTrees.read(content);
        } catch (IOException e) {
            throw new RegistryException(repository.registry(), 200, "MALFORMED", what + " is not JSON");
        }
    }

    private HttpUrl blobUrl(Repository repository, String digest) {
        return url(repository, "blobs", digest);
    }

    /** Stores {@code manifest} under {@code tag} byte for byte (so a retag keeps the digest); returns the digest. */
    public String putManifest(Repository repository, String tag, Manifest manifest) {
        Answer answer = send(
                repository,
                true,
                "PUT",
                manifestUrl(repository, tag),
                RequestBody.create(manifest.content(), MediaType.get(manifest.mediaType())));
        expectSuccess(repository, answer, "PUT manifest " + tag);
        String digest = answer.header("Docker-Content-Digest");
        return digest != null ? digest : manifest.digest();
    }

    /**
     * Copies an image (a manifest, or an index and every manifest it lists) to another repository of the same
     * registry: blobs are mounted, not downloaded, then the manifests are PUT byte for byte, children by digest
     * and the top one under each of {@code tags}. Returns the digest, unchanged.
     */
    public String copy(Repository from, Repository to, String reference, List<String> tags) {
        if (!from.registry().equals(to.registry())) {
            throw new IllegalArgumentException("copy stays within one registry: " + from + " -> " + to);
        }
        String scope = to.scope(true) + " " + from.scope(false);
        Manifest manifest = copyManifestTree(from, to, reference, scope);
        for (String tag : tags) {
            putManifest(to, tag, manifest);
        }
        return manifest.digest();
    }

    private Manifest copyManifestTree(Repository from, Repository to, String reference, String scope) {
        Manifest manifest = manifest(from, reference)
                .orElseThrow(() -> new RegistryException(
                        from.registry(), 404, "MANIFEST_UNKNOWN", from + ":" + reference + " does not exist"));
        JsonNode node = json(from, manifest.content(), "manifest " + reference);
        if (node.has("manifests")) {
            for (JsonNode child : node.path("manifests")) {
                Manifest copied =
                        copyManifestTree(from, to, child.path("digest").asText(), scope);
                putManifest(to, copied.digest(), copied);
            }
        } else {
            if (node.path("config").has("digest")) {
                mounter.mount(from, to, node.path("config").path("digest").asText(), scope);
            }
            for (JsonNode layer : node.path("layers")) {
                mounter.mount(from, to, layer.path("digest").asText(), scope);
            }
        }
        return manifest;
    }

    private HttpUrl manifestUrl(Repository repository, String reference) {
        return url(repository, "manifests", reference);
    }

    /** {@code <base>/<kind>/<reference>}: a manifest or blob of the repository. */
    private HttpUrl url(Repository repository, String kind, String reference) {
        return base(repository)
                .newBuilder()
                .addPathSegment(kind)
                .addPathSegment(reference)
                .build();
    }

    /** {@code <scheme>://<registry>/v2/<path>/}. */
    HttpUrl base(Repository repository) {
        return HttpUrl.get(schemes.scheme(repository.registry()) + "://" + repository.registry() + "/v2/"
                + repository.path() + "/");
    }

    /** The exchange under this client, for tests that speak the rest of the API. */
    Exchange exchange() {
        return exchange;
    }

    private Answer send(Repository repository, boolean push, String method, HttpUrl url, RequestBody body) {
        return exchange.send(new Exchange.Call(repository.registry(), repository.scope(push), method, url, body));
    }

    private static void expectSuccess(Repository repository, Answer answer, String what) {
        ErrorBodies.expectSuccess(repository.registry(), repository.path(), answer, what);
    }
}
