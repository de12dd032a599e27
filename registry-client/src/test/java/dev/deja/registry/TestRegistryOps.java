package dev.deja.registry;

import dev.deja.registry.transport.Answer;
import dev.deja.registry.transport.ErrorBodies;
import dev.deja.registry.transport.Exchange;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.RequestBody;

/**
 * The parts of the Distribution API that only tests need (deja itself never lists tags or uploads a blob): spoken
 * through the client's own exchange, so auth, retries and error handling are those of production.
 */
public final class TestRegistryOps {

    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    private TestRegistryOps() {}

    /** All tags of the repository, following {@code Link} pagination; empty when the repository does not exist. */
    public static List<String> tags(RegistryClient client, Repository repository, int pageSize) {
        List<String> tags = new ArrayList<>();
        HttpUrl url = client.base(repository)
                .newBuilder()
                .addPathSegments("tags/list")
                .addQueryParameter("n", Integer.toString(pageSize))
                .build();
        while (url != null) {
            Answer answer = send(client, repository, false, "GET", url, null);
            if (answer.code() == 404) {
                return List.of();
            }
            expectSuccess(repository, answer, "GET tags");
            ErrorBodies.json(repository.registry(), answer).path("tags").forEach(t -> tags.add(t.asText()));
            String link = answer.header("Link");
            Matcher m = link == null ? null : NEXT_LINK.matcher(link);
            url = m != null && m.find() ? url.resolve(m.group(1)) : null;
        }
        return List.copyOf(tags);
    }

    public static boolean blobExists(RegistryClient client, Repository repository, String digest) {
        Answer answer = send(
                client,
                repository,
                false,
                "HEAD",
                client.base(repository)
                        .newBuilder()
                        .addPathSegment("blobs")
                        .addPathSegment(digest)
                        .build(),
                null);
        if (answer.code() == 404) {
            return false;
        }
        expectSuccess(repository, answer, "HEAD blob " + digest);
        return true;
    }

    /** Uploads a small blob in one request (POST then PUT) unless it is there already; returns its digest. */
    public static String pushBlob(RegistryClient client, Repository repository, byte[] content) {
        String digest = Digests.of(content);
        if (blobExists(client, repository, digest)) {
            return digest;
        }
        Answer start = send(
                client,
                repository,
                true,
                "POST",
                client.base(repository)
                        .newBuilder()
                        .addPathSegments("blobs/uploads/")
                        .build(),
                RequestBody.create(new byte[0]));
        expectSuccess(repository, start, "start blob upload");
        String location = start.header("Location");
        if (location == null) {
            throw new RegistryException(
                    repository.registry(),
                    start.code(),
                    "BLOB_UPLOAD_INVALID",
                    "upload started without a Location header");
        }
        HttpUrl upload = client.base(repository)
                .resolve(location)
                .newBuilder()
                .addQueryParameter("digest", digest)
                .build();
        expectSuccess(
                repository,
                send(
                        client,
                        repository,
                        true,
                        "PUT",
                        upload,
                        RequestBody.create(content, MediaType.get("application/octet-stream"))),
                "finish blob upload");
        return digest;
    }

    /** {@code sha256:<hex>} of {@code bytes}. */
    public static String digest(byte[] bytes) {
        return Digests.of(bytes);
    }

    private static Answer send(
            RegistryClient client, Repository repository, boolean push, String method, HttpUrl url, RequestBody body) {
        return client.exchange()
                .send(new Exchange.Call(repository.registry(), repository.scope(push), method, url, body));
    }

    private static void expectSuccess(Repository repository, Answer answer, String what) {
        ErrorBodies.expectSuccess(repository.registry(), repository.path(), answer, what);
    }
}
