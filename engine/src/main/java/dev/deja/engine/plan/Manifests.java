package dev.deja.engine.plan;

import dev.deja.registry.Manifest;
import java.util.Optional;

/**
 * The registry as the engine sees it: manifests by repository and tag. {@link RegistryManifests} speaks to a real
 * registry; the engine's tests keep manifests in memory.
 */
public interface Manifests {

    /** The digest of {@code <repository>:<tag>} when it exists (a HEAD). */
    Optional<String> digest(String repository, String tag);

    /** The manifest of {@code <repository>:<tag>} when it exists, bytes as stored (a GET). */
    Optional<Manifest> manifest(String repository, String tag);

    /** The labels of the image {@code <repository>:<tag>} names, when it exists (its config). */
    default Optional<java.util.Map<String, String>> labels(String repository, String tag) {
        return Optional.empty();
    }

    /** Stores {@code manifest} under {@code tag}, byte for byte: the digest stays, no layer moves. */
    void put(String repository, String tag, Manifest manifest);
}
