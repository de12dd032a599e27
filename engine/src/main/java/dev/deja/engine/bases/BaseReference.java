package dev.deja.engine.bases;

import dev.deja.engine.config.ImageNames;
import dev.deja.registry.Repository;

/**
 * A base image's reference in one spelling for all ways of writing it: {@code python}, {@code python:latest},
 * {@code docker.io/library/python} and {@code index.docker.io/library/python:latest} are all
 * {@code docker.io/library/python:latest}. It is the key of deja.lock and of a state's bases.
 *
 * @param repository where it is asked: the registry host and the path inside it
 * @param tag        the tag ({@code latest} when none is written)
 */
public record BaseReference(Repository repository, String tag) {

    /** Where Docker Hub's API answers; {@code docker.io} and {@code index.docker.io} are names for it. */
    private static final String DOCKER_HUB_HOST = "registry-1.docker.io";

    private static final java.util.Set<String> DOCKER_HUB_NAMES =
            java.util.Set.of("docker.io", "index.docker.io", DOCKER_HUB_HOST);

    /** Parses a reference without digest; {@link IllegalArgumentException} when it is none. */
    public static BaseReference parse(String reference) {
        if (reference.contains("@")) {
            throw new IllegalArgumentException("a reference with a digest is no base to resolve: " + reference);
        }
        String name = ImageNames.repositoryOf(reference);
        String tag = name.length() < reference.length() ? reference.substring(name.length() + 1) : "latest";
        if (!ImageNames.isValidTag(tag) || !ImageNames.isValidRepository(name.toLowerCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("not an image reference: '" + reference + "'");
        }
        Repository repository = Repository.parse(name);
        if (DOCKER_HUB_NAMES.contains(repository.registry())) {
            repository = new Repository(DOCKER_HUB_HOST, repository.path());
        }
        return new BaseReference(repository, tag);
    }

    /** {@code docker.io/library/python:3.12-slim}: Docker Hub by the name people write, not its API host. */
    public String normalized() {
        String host = repository.registry().equals(DOCKER_HUB_HOST) ? "docker.io" : repository.registry();
        return host + "/" + repository.path() + ":" + tag;
    }

    /** The registry by the name a mirror setting uses ({@code docker.io} for Docker Hub). */
    public String registryName() {
        return repository.registry().equals(DOCKER_HUB_HOST) ? "docker.io" : repository.registry();
    }

    @Override
    public String toString() {
        return normalized();
    }
}
