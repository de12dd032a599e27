package dev.deja.registry;

import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;

/**
 * A repository in a registry: {@code registry} is the host (and port) requests go to, {@code path} the name
 * inside it. Parsed with Jib's reference grammar, so Docker Hub defaults ({@code library/}, the registry host) are
 * those of the docker CLI. A tag or digest in the name is ignored.
 */
public record Repository(String registry, String path) {

    public static Repository parse(String name) {
        try {
            ImageReference reference = ImageReference.parse(name);
            return new Repository(reference.getRegistry(), reference.getRepository());
        } catch (InvalidImageReferenceException e) {
            throw new IllegalArgumentException("not a valid repository name: " + name, e);
        }
    }

    /** {@code repository:<path>:<actions>}, the token scope for this repository. */
    public String scope(boolean push) {
        return "repository:" + path + ":" + (push ? "pull,push" : "pull");
    }

    // Written out: a record's own equals and hashCode are linked on their first call (method handles spun), which cost
    // each base's resolution 12 ms of a cold JVM's CPU before its first request.
    @Override
    public boolean equals(Object other) {
        return other instanceof Repository that && registry.equals(that.registry) && path.equals(that.path);
    }

    @Override
    public int hashCode() {
        return registry.hashCode() * 31 + path.hashCode();
    }

    @Override
    public String toString() {
        return registry + "/" + path;
    }
}
