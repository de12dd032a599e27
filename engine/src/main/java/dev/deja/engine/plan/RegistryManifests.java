package dev.deja.engine.plan;

import dev.deja.registry.Manifest;
import dev.deja.registry.ManifestDescriptor;
import dev.deja.registry.RegistryClient;
import dev.deja.registry.Repository;
import java.util.Optional;

/** {@link Manifests} in a registry, through the registry client. */
public final class RegistryManifests implements Manifests {

    private final RegistryClient client;

    public RegistryManifests(RegistryClient client) {
        this.client = client;
    }

    @Override
    public Optional<String> digest(String repository, String tag) {
        return client.exists(Repository.parse(repository), tag).map(ManifestDescriptor::digest);
    }

    @Override
    public Optional<Manifest> manifest(String repository, String tag) {
        return client.manifest(Repository.parse(repository), tag);
    }

    @Override
    public Optional<java.util.Map<String, String>> labels(String repository, String tag) {
        return client.labels(Repository.parse(repository), tag);
    }

    @Override
    public void put(String repository, String tag, Manifest manifest) {
        client.putManifest(Repository.parse(repository), tag, manifest);
    }
}
