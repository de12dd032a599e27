package dev.deja.registry;

import dev.deja.registry.transport.Answer;
import dev.deja.registry.transport.ErrorBodies;
import dev.deja.registry.transport.Exchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.RequestBody;

/**
 * Makes a blob of one repository available in another of the same registry: a cross-repository mount, or, when
 * the registry declines it, the blob streamed through a temporary file (digest checked on the way), never the heap.
 */
final class BlobMounter {

    private final Exchange exchange;
    private final Function<Repository, HttpUrl> base;

    /** @param base the {@code /v2/<path>/} URL of a repository */
    BlobMounter(Exchange exchange, Function<Repository, HttpUrl> base) {
        this.exchange = exchange;
        this.base = base;
    }

    /** @param scope the token scopes of the copy (push to {@code to}, pull from {@code from}) */
    void mount(Repository from, Repository to, String digest, String scope) {
        HttpUrl url = base.apply(to)
                .newBuilder()
                .addPathSegments("blobs/uploads/")
                .addQueryParameter("mount", digest)
                .addQueryParameter("from", from.path())
                .build();
        Answer answer =
                exchange.send(new Exchange.Call(to.registry(), scope, "POST", url, RequestBody.create(new byte[0])));
        if (answer.code() == 201) {
            return;
        }
        expectSuccess(to, answer, "mount blob " + digest);
        String location = answer.header("Location");
        if (location == null) {
            throw new RegistryException(
                    to.registry(),
                    answer.code(),
                    "BLOB_UPLOAD_INVALID",
                    "mount declined and no upload location given for " + digest);
        }
        // Layers are often larger than deja's memory.
        Path content = download(from, digest, scope);
        try {
            HttpUrl upload = base.apply(to)
                    .resolve(location)
                    .newBuilder()
                    .addQueryParameter("digest", digest)
                    .build();
            expectSuccess(
                    to,
                    exchange.send(new Exchange.Call(
                            to.registry(),
                            scope,
                            "PUT",
                            upload,
                            RequestBody.create(content.toFile(), MediaType.get("application/octet-stream")))),
                    "upload " + digest);
        } finally {
            deleteQuietly(content);
        }
    }

    /** Downloads a blob into a temporary file, checking its digest on the way. */
    private Path download(Repository repository, String digest, String scope) {
        Path file;
        try {
            file = Files.createTempFile("deja-blob-", ".bin");
        } catch (IOException e) {
            throw new RegistryException(repository.registry(), "cannot create a temporary file for " + digest, e);
        }
        String[] received = new String[1];
        HttpUrl url = base.apply(repository)
                .newBuilder()
                .addPathSegment("blobs")
                .addPathSegment(digest)
                .build();
        Answer answer =
                exchange.send(new Exchange.Call(repository.registry(), scope, "GET", url, null, "*/*", response -> {
                    MessageDigest sha256 = Digests.sha256();
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
                }));
        expectSuccess(repository, answer, "GET blob " + digest);
        if (!digest.equals(received[0])) {
            deleteQuietly(file);
            throw new RegistryException(
                    repository.registry(), answer.code(), "DIGEST_MISMATCH", "blob " + digest + " arrived altered");
        }
        return file;
    }

    private static void expectSuccess(Repository repository, Answer answer, String what) {
        ErrorBodies.expectSuccess(repository.registry(), repository.path(), answer, what);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary file
        }
    }
}
