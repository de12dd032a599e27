package dev.deja.engine.plan;

import dev.deja.engine.docker.DockerDaemon;
import dev.deja.registry.Manifest;
import java.util.Optional;

/**
 * Where the plan asks whether an image's state exists: the registry ({@code <repo>:<state tag>}), or, in local
 * mode, the Docker daemon's image store ({@code <name>:<state tag>}).
 */
@FunctionalInterface
public interface StateLookup {

    /**
     * What exists under the state.
     *
     * @param id       the manifest digest (registry) or image ID (daemon)
     * @param manifest the manifest itself when the lookup fetched it (a retag then needs no second request)
     */
    record Found(String id, Optional<Manifest> manifest) {}

    Optional<Found> find(PlannedImage image);

    /** In the registry: a HEAD, or with {@code fetchManifests} a GET that keeps the manifest for the retag. */
    static StateLookup registry(Manifests manifests, boolean fetchManifests) {
        if (fetchManifests) {
            return image -> manifests
                    .manifest(image.repository(), image.stateTag())
                    .map(m -> new Found(m.digest(), Optional.of(m)));
        }
        return image -> manifests
                .digest(image.repository(), image.stateTag())
                .map(digest -> new Found(digest, Optional.empty()));
    }

    /** In the daemon's image store (local mode: the daemon is the cache). */
    static StateLookup daemon(DockerDaemon daemon) {
        return image -> daemon.imageId(image.stateRef()).map(id -> new Found(id, Optional.empty()));
    }
}
