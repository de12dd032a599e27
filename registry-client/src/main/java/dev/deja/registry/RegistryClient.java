package dev.deja.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The OCI Distribution API for one process: manifests (HEAD, GET, PUT), blobs (HEAD, monolithic upload), tags.
 * Authenticates through the 401 challenge (Basic or Bearer), caches tokens per registry and scope, retries what
 * can be retried ({@link RetryPolicy}), and never puts a credential or token in a message.
 */
public final class RegistryClient {

    /** Every manifest type deja handles, most specific first. */
    public static final List<String> MANIFEST_TYPES = List.of(
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    private static final String ACCEPT = String.join(", ", MANIFEST_TYPES);
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);
    /** The user name docker config credentials carry when the secret is an identity token (Jib's convention). */
    static final String IDENTITY_TOKEN_USER = "<token>";

    /** How the client waits between retries (a test can make it instant). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private record Authorization(String header, Instant expires) {
        boolean valid() {
            return expires == null || Instant.now().isBefore(expires);
        }
    }

    /** A response's status, headers we use and body, read whole (manifests and error bodies are small). */
    private record Answer(int code, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    private final OkHttpClient http;
    private final CredentialSource credentials;
    private final RetryPolicy retry;
    private final Set<String> insecureRegistries;
    private final Sleeper sleeper;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Authorization> authorizations = new ConcurrentHashMap<>();

    public RegistryClient(OkHttpClient http, CredentialSource credentials, RetryPolicy retry,
                          Set<String> insecureRegistries, Sleeper sleeper) {
        this.http = http;
        this.credentials = credentials;
        this.retry = retry;
        this.insecureRegistries = Set.copyOf(insecureRegistries);
        this.sleeper = sleeper;
    }

    public static RegistryClient create(CredentialSource credentials, Set<String> insecureRegistries) {
        return create(credentials, insecureRegistries, null);
    }

    /**
     * @param debug where to write one line per HTTP exchange (method, URL, status, time; never a header value),
     *              or {@code null}
     */
    public static RegistryClient create(CredentialSource credentials, Set<String> insecureRegistries,
                                        java.util.function.Consumer<String> debug) {
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(Duration.ofSeconds(60))
                .followRedirects(true);
        if (debug != null) {
            builder.addNetworkInterceptor(chain -> {
                long start = System.nanoTime();
                Request request = chain.request();
                String auth = request.header("Authorization");
                String scheme = auth == null ? "anonymous" : auth.substring(0, auth.indexOf(' ') < 0
                        ? auth.length() : auth.indexOf(' '));
                try {
                    Response response = chain.proceed(request);
                    debug.accept(request.method() + " " + request.url().newBuilder().query(null).build() + " ["
                            + scheme + "] -> " + response.code() + " (" + (System.nanoTime() - start) / 1_000_000
                            + " ms)");
                    return response;
                } catch (IOException e) {
                    debug.accept(request.method() + " " + request.url().newBuilder().query(null).build() + " ["
                            + scheme + "] -> " + e.getClass().getSimpleName());
                    throw e;
                }
            });
        }
        OkHttpClient http = builder.build();
        // deja.registry.attempts: the launcher's class-data run must not wait for retries.
        Integer attempts = Integer.getInteger("deja.registry.attempts");
        RetryPolicy policy = attempts == null ? RetryPolicy.DEFAULT
                : new RetryPolicy(Math.max(1, attempts), RetryPolicy.DEFAULT.baseDelay(), RetryPolicy.DEFAULT.maxDelay());
        return new RegistryClient(http, credentials, policy, insecureRegistries, d -> Thread.sleep(
                d.toMillis()));
    }

    /** The manifest's descriptor if {@code reference} (tag or digest) exists; empty on 404. */
    public Optional<ManifestDescriptor> exists(Repository repository, String reference) {
        Answer answer = send(repository, false, "HEAD", manifestUrl(repository, reference), null, null);
        if (answer.code() == 404) {
            return Optional.empty();
        }
        String digest = answer.header("Docker-Content-Digest");
        if (answer.code() == 405 || (answer.code() / 100 == 2 && digest == null)) {
            // Some registries refuse HEAD or omit the digest: read the manifest and hash it.
            return manifest(repository, reference).map(m -> new ManifestDescriptor(m.digest(), m.mediaType(),
                    m.content().length));
        }
        expectSuccess(repository, answer, "HEAD manifest " + reference);
        String length = answer.header("Content-Length");
        return Optional.of(new ManifestDescriptor(digest, mediaType(answer),
                length == null ? -1 : Long.parseLong(length)));
    }

    /** The manifest as stored, digest verified; empty on 404. */
    public Optional<Manifest> manifest(Repository repository, String reference) {
        Answer answer = send(repository, false, "GET", manifestUrl(repository, reference), null, null);
        if (answer.code() == 404) {
            return Optional.empty();
        }
        expectSuccess(repository, answer, "GET manifest " + reference);
        String digest = "sha256:" + sha256(answer.body());
        String announced = answer.header("Docker-Content-Digest");
        String expected = reference.startsWith("sha256:") ? reference : announced;
        if (expected != null && expected.startsWith("sha256:") && !expected.equals(digest)) {
            throw new RegistryException(repository.registry(), answer.code(), "DIGEST_MISMATCH",
                    "manifest " + repository.path() + "@" + reference + " hashes to " + digest + ", not " + expected
                            + " (truncated or altered in transit)");
        }
        return Optional.of(new Manifest(answer.body(), mediaType(answer), digest));
    }

    /** Stores {@code manifest} under {@code tag} byte for byte (so a retag keeps the digest); returns the digest. */
    public String putManifest(Repository repository, String tag, Manifest manifest) {
        Answer answer = send(repository, true, "PUT", manifestUrl(repository, tag),
                RequestBody.create(manifest.content(), MediaType.get(manifest.mediaType())), null);
        expectSuccess(repository, answer, "PUT manifest " + tag);
        String digest = answer.header("Docker-Content-Digest");
        return digest != null ? digest : manifest.digest();
    }

    /** All tags of the repository, following {@code Link} pagination; empty when the repository does not exist. */
    public List<String> tags(Repository repository, int pageSize) {
        List<String> tags = new ArrayList<>();
        HttpUrl url = base(repository).newBuilder().addPathSegments("tags/list")
                .addQueryParameter("n", Integer.toString(pageSize)).build();
        while (url != null) {
            Answer answer = send(repository, false, "GET", url, null, null);
            if (answer.code() == 404) {
                return List.of();
            }
            expectSuccess(repository, answer, "GET tags");
            JsonNode node = readJson(repository, answer);
            node.path("tags").forEach(t -> tags.add(t.asText()));
            String link = answer.header("Link");
            Matcher m = link == null ? null : NEXT_LINK.matcher(link);
            url = m != null && m.find() ? url.resolve(m.group(1)) : null;
        }
        return List.copyOf(tags);
    }

    public boolean blobExists(Repository repository, String digest) {
        Answer answer = send(repository, false, "HEAD", base(repository).newBuilder().addPathSegment("blobs")
                .addPathSegment(digest).build(), null, null);
        if (answer.code() == 404) {
            return false;
        }
        expectSuccess(repository, answer, "HEAD blob " + digest);
        return true;
    }

    /** Uploads a small blob in one request (POST then PUT) unless it is there already; returns its digest. */
    public String pushBlob(Repository repository, byte[] content) {
        String digest = "sha256:" + sha256(content);
        if (blobExists(repository, digest)) {
            return digest;
        }
        Answer start = send(repository, true, "POST", base(repository).newBuilder().addPathSegments("blobs/uploads/")
                .build(), RequestBody.create(new byte[0]), null);
        expectSuccess(repository, start, "start blob upload");
        String location = start.header("Location");
        if (location == null) {
            throw new RegistryException(repository.registry(), start.code(), "BLOB_UPLOAD_INVALID",
                    "upload started without a Location header");
        }
        HttpUrl upload = base(repository).resolve(location).newBuilder().addQueryParameter("digest", digest).build();
        Answer done = send(repository, true, "PUT", upload,
                RequestBody.create(content, MediaType.get("application/octet-stream")), null);
        expectSuccess(repository, done, "finish blob upload");
        return digest;
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
        Manifest manifest = manifest(from, reference).orElseThrow(() -> new RegistryException(from.registry(), 404,
                "MANIFEST_UNKNOWN", from + ":" + reference + " does not exist"));
        JsonNode node;
        try {
            node = json.readTree(manifest.content());
        } catch (IOException e) {
            throw new RegistryException(from.registry(), 200, "MALFORMED", "manifest " + reference
                    + " is not JSON");
        }
        if (node.has("manifests")) {
            for (JsonNode child : node.path("manifests")) {
                Manifest copied = copyManifestTree(from, to, child.path("digest").asText(), scope);
                putManifest(to, copied.digest(), copied);
            }
        } else {
            List<String> blobs = new ArrayList<>();
            if (node.path("config").has("digest")) {
                blobs.add(node.path("config").path("digest").asText());
            }
            node.path("layers").forEach(layer -> blobs.add(layer.path("digest").asText()));
            for (String digest : blobs) {
                mount(from, to, digest, scope);
            }
        }
        return manifest;
    }

    /** Cross-repository blob mount; a registry that declines (202) gets the blob streamed from the source. */
    private void mount(Repository from, Repository to, String digest, String scope) {
        HttpUrl url = base(to).newBuilder().addPathSegments("blobs/uploads/").addQueryParameter("mount", digest)
                .addQueryParameter("from", from.path()).build();
        Answer answer = send(to, scope, "POST", url, RequestBody.create(new byte[0]), null);
        if (answer.code() == 201) {
            return;
        }
        expectSuccess(to, answer, "mount blob " + digest);
        String location = answer.header("Location");
        if (location == null) {
            throw new RegistryException(to.registry(), answer.code(), "BLOB_UPLOAD_INVALID",
                    "mount declined and no upload location given for " + digest);
        }
        // The blob goes through a temporary file, never the heap: layers are often larger than deja's memory.
        Path content = blobToFile(from, digest, scope);
        try {
            HttpUrl upload = base(to).resolve(location).newBuilder().addQueryParameter("digest", digest).build();
            expectSuccess(to, send(to, scope, "PUT", upload, RequestBody.create(content.toFile(),
                    MediaType.get("application/octet-stream")), null), "upload " + digest);
        } finally {
            try {
                Files.deleteIfExists(content);
            } catch (IOException ignored) {
                // a temporary file
            }
        }
    }

    /** Downloads a blob into a temporary file, checking its digest on the way. */
    private Path blobToFile(Repository repository, String digest, String scope) {
        Path file;
        try {
            file = Files.createTempFile("deja-blob-", ".bin");
        } catch (IOException e) {
            throw new RegistryException(repository.registry(), "cannot create a temporary file for " + digest, e);
        }
        String[] received = new String[1];
        Answer answer = send(repository, scope, "GET", base(repository).newBuilder().addPathSegment("blobs")
                .addPathSegment(digest).build(), null, "*/*", response -> {
                    MessageDigest sha256 = sha256Digest();
                    try (InputStream in = response.body().byteStream();
                         OutputStream out = Files.newOutputStream(file)) {
                        byte[] buffer = new byte[1 << 16];
                        for (int n; (n = in.read(buffer)) > 0; ) {
                            sha256.update(buffer, 0, n);
                            out.write(buffer, 0, n);
                        }
                    }
                    received[0] = "sha256:" + HexFormat.of().formatHex(sha256.digest());
                    return new byte[0];
                });
        expectSuccess(repository, answer, "GET blob " + digest);
        if (!digest.equals(received[0])) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file
            }
            throw new RegistryException(repository.registry(), answer.code(), "DIGEST_MISMATCH",
                    "blob " + digest + " arrived altered");
        }
        return file;
    }

    private HttpUrl manifestUrl(Repository repository, String reference) {
        return base(repository).newBuilder().addPathSegment("manifests").addPathSegment(reference).build();
    }

    private HttpUrl base(Repository repository) {
        return HttpUrl.get(scheme(repository.registry()) + "://" + repository.registry() + "/v2/"
                + repository.path() + "/");
    }

    /** Plain HTTP only for loopback registries and those named with --insecure-registry. */
    String scheme(String registry) {
        if (insecureRegistries.contains(registry)) {
            return "http";
        }
        String host = registry.replaceFirst(":\\d+$", "").replaceAll("^\\[|\\]$", "");
        if (host.equals("localhost")) {
            return "http";
        }
        try {
            if (host.matches("[0-9.]+|[0-9a-fA-F:]+") && InetAddress.getByName(host).isLoopbackAddress()) {
                return "http";
            }
        } catch (IOException e) {
            return "https";
        }
        return "https";
    }

    /**
     * One logical request: retried on 429/5xx/I/O errors within the policy, re-authorized once on 401.
     */
    private Answer send(Repository repository, boolean push, String method, HttpUrl url, RequestBody body,
                        String accept) {
        return send(repository, repository.scope(push), method, url, body, accept);
    }

    /** How a successful response's body is taken: kept in memory (small JSON), or streamed elsewhere (blobs). */
    private interface BodyReader {
        byte[] read(Response response) throws IOException;
    }

    private static final BodyReader IN_MEMORY = response -> response.body() == null ? new byte[0]
            : response.body().bytes();

    /** As above with an explicit scope: several space-separated scopes share one token (push + mount). */
    private Answer send(Repository repository, String scope, String method, HttpUrl url, RequestBody body,
                        String accept) {
        return send(repository, scope, method, url, body, accept, IN_MEMORY);
    }

    private Answer send(Repository repository, String scope, String method, HttpUrl url, RequestBody body,
                        String accept, BodyReader reader) {
        String registry = repository.registry();
        boolean reauthorized = false;
        IOException lastFailure = null;
        Answer last = null;
        for (int attempt = 1; attempt <= retry.attempts(); attempt++) {
            Request.Builder request = new Request.Builder().url(url).method(method, body)
                    .header("Accept", accept != null ? accept : ACCEPT)
                    .header("User-Agent", "deja");
            Authorization authorization = authorizations.get(registry + " " + scope);
            if (authorization != null && authorization.valid()) {
                request.header("Authorization", authorization.header());
            }
            try (Response response = http.newCall(request.build()).execute()) {
                ResponseBody responseBody = response.body();
                last = new Answer(response.code(), response.headers().toMultimap(),
                        responseBody == null || method.equals("HEAD") ? new byte[0]
                                : response.isSuccessful() ? reader.read(response) : responseBody.bytes());
            } catch (IOException e) {
                lastFailure = e;
                last = null;
                pause(attempt, null, registry);
                continue;
            }
            if (last.code() == 401 && !reauthorized) {
                reauthorized = true;
                authorize(repository, scope, Challenge.parse(last.header("WWW-Authenticate")));
                attempt--;
                continue;
            }
            if (RetryPolicy.retryable(last.code()) && attempt < retry.attempts()) {
                pause(attempt, retryAfter(last.header("Retry-After")), registry);
                continue;
            }
            return last;
        }
        if (last != null) {
            return last;
        }
        throw new RegistryException(registry, "cannot reach " + registry + " after " + retry.attempts()
                + " tries: " + (lastFailure == null ? "no answer" : lastFailure.getClass().getSimpleName() + ": "
                + lastFailure.getMessage()), lastFailure);
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

    private void authorize(Repository repository, String scope, Challenge challenge) {
        String registry = repository.registry();
        Optional<Credentials> credential = credentials.forRegistry(registry);
        if (challenge == null) {
            return;
        }
        if (challenge.isBasic()) {
            credential.ifPresent(c -> authorizations.put(registry + " " + scope,
                    new Authorization(basic(c), null)));
            return;
        }
        if (!challenge.isBearer() || challenge.parameters().get("realm") == null) {
            return;
        }
        HttpUrl.Builder tokenUrl = HttpUrl.get(challenge.parameters().get("realm")).newBuilder();
        String service = challenge.parameters().get("service");
        if (service != null) {
            tokenUrl.addQueryParameter("service", service);
        }
        for (String oneScope : scope.split(" ")) {
            tokenUrl.addQueryParameter("scope", oneScope);
        }
        Request.Builder request;
        if (credential.isPresent() && IDENTITY_TOKEN_USER.equals(credential.get().username())) {
            // docker login stored an identity (refresh) token: exchange it by the OAuth2 POST flow.
            okhttp3.FormBody.Builder form = new okhttp3.FormBody.Builder()
                    .add("grant_type", "refresh_token")
                    .add("refresh_token", credential.get().secret())
                    .add("client_id", "deja");
            if (service != null) {
                form.add("service", service);
            }
            form.add("scope", scope);
            request = new Request.Builder().url(challenge.parameters().get("realm")).post(form.build())
                    .header("User-Agent", "deja");
        } else {
            request = new Request.Builder().url(tokenUrl.build()).header("User-Agent", "deja");
            credential.ifPresent(c -> request.header("Authorization", basic(c)));
        }
        try (Response response = http.newCall(request.build()).execute()) {
            ResponseBody body = response.body();
            byte[] bytes = body == null ? new byte[0] : body.bytes();
            if (!response.isSuccessful()) {
                throw new RegistryException(registry, response.code(), "TOKEN",
                        "the token service refused " + (credential.isPresent() ? "the credentials of "
                                + credential.get().username() : "anonymous access") + " for " + scope);
            }
            JsonNode node = json.readTree(bytes);
            String token = node.path("token").asText(node.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw new RegistryException(registry, response.code(), "TOKEN", "the token service sent no token");
            }
            long lifetime = node.path("expires_in").asLong(DEFAULT_TOKEN_LIFETIME.getSeconds());
            // Renew a little early, so a token does not expire between check and use.
            Instant expires = Instant.now().plusSeconds(Math.max(1, lifetime - Math.min(10, lifetime / 10)));
            authorizations.put(registry + " " + scope, new Authorization("Bearer " + token, expires));
        } catch (IOException e) {
            throw new RegistryException(registry, "cannot reach the token service of " + registry, e);
        }
    }

    private static String basic(Credentials c) {
        return "Basic " + Base64.getEncoder().encodeToString((c.username() + ":" + c.secret())
                .getBytes(StandardCharsets.UTF_8));
    }

    private void expectSuccess(Repository repository, Answer answer, String what) {
        if (answer.code() / 100 == 2) {
            return;
        }
        String code = "";
        String message = what + " in " + repository.path() + " failed";
        try {
            JsonNode error = json.readTree(answer.body()).path("errors").path(0);
            if (!error.isMissingNode()) {
                code = error.path("code").asText("");
                message = what + " in " + repository.path() + ": " + error.path("message").asText("");
            }
        } catch (IOException | RuntimeException e) {
            // not a JSON error body: keep the generic message
        }
        if (code.isEmpty()) {
            code = defaultCode(answer.code());
        }
        throw new RegistryException(repository.registry(), answer.code(), code, message);
    }

    /** The distribution spec's code for a status, for answers without a body (HEAD). */
    private static String defaultCode(int status) {
        switch (status) {
            case 401:
                return "UNAUTHORIZED";
            case 403:
                return "DENIED";
            case 404:
                return "NAME_UNKNOWN";
            case 429:
                return "TOOMANYREQUESTS";
            default:
                return status >= 500 ? "SERVER_ERROR" : "HTTP_" + status;
        }
    }

    private JsonNode readJson(Repository repository, Answer answer) {
        try {
            return json.readTree(answer.body());
        } catch (IOException e) {
            throw new RegistryException(repository.registry(), answer.code(), "MALFORMED",
                    "the registry sent malformed JSON");
        }
    }

    private static String mediaType(Answer answer) {
        String type = answer.header("Content-Type");
        return type == null ? "" : type.replaceFirst(";.*", "").strip();
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256Digest().digest(bytes));
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
