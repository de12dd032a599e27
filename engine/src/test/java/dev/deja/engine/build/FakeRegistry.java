package dev.deja.engine.build;

import dev.deja.engine.plan.Manifests;
import dev.deja.registry.Manifest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A registry in memory: manifests by {@code repository:tag}, and every PUT in the order it came. */
final class FakeRegistry implements Manifests {

    private final Map<String, Manifest> tags = new ConcurrentHashMap<>();
    private final List<String> puts = new ArrayList<>();
    private final Map<String, Integer> reads = new ConcurrentHashMap<>();
    private volatile java.util.function.BiConsumer<String, Integer> afterRead = (reference, count) -> {};

    static Manifest manifest(String content) {
        byte[] bytes = ("{\"schemaVersion\":2,\"deja\":\"" + content + "\"}").getBytes(StandardCharsets.UTF_8);
        try {
            String digest = "sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            return new Manifest(bytes, "application/vnd.oci.image.manifest.v1+json", digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stores a manifest as a push would (not counted as a retag). */
    void push(String repository, String tag, Manifest manifest) {
        tags.put(repository + ":" + tag, manifest);
    }

    @Override
    public Optional<String> digest(String repository, String tag) {
        return manifest(repository, tag).map(Manifest::digest);
    }

    @Override
    public Optional<Manifest> manifest(String repository, String tag) {
        int read = reads.merge(repository + ":" + tag, 1, Integer::sum);
        afterRead.accept(repository + ":" + tag, read);
        return Optional.ofNullable(tags.get(repository + ":" + tag));
    }

    /** How often {@code repository:tag}'s manifest was read. */
    int reads(String reference) {
        return reads.getOrDefault(reference, 0);
    }

    /** Called as each manifest is read (before it is answered) with the reference and how often it was read. */
    void afterRead(java.util.function.BiConsumer<String, Integer> hook) {
        afterRead = hook;
    }

    @Override
    public void put(String repository, String tag, Manifest manifest) {
        synchronized (puts) {
            puts.add(repository + ":" + tag);
        }
        tags.put(repository + ":" + tag, manifest);
    }

    /** The retags written, as {@code repository:tag}. */
    List<String> puts() {
        synchronized (puts) {
            return List.copyOf(puts);
        }
    }

    /** The tags written for one repository (any image name ending the repository path). */
    List<String> tagsOf(String image) {
        return puts().stream()
                .filter(p -> p.contains("/" + image + ":"))
                .map(p -> p.substring(p.lastIndexOf(':') + 1))
                .toList();
    }

    Optional<String> digestOf(String image, String tag) {
        return tags.entrySet().stream()
                .filter(e -> e.getKey().endsWith("/" + image + ":" + tag))
                .map(e -> e.getValue().digest())
                .findFirst();
    }
}
