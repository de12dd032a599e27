package dev.deja.engine.bases;

import dev.deja.engine.config.ConfigException;
import dev.deja.registry.Repository;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where bases of a registry are asked instead of the registry itself: {@code DEJA_REGISTRY_MIRRORS}, a
 * comma-separated list of {@code registry=host[:port]} ({@code docker.io=mirror.internal:5000}). A mirror serves
 * the same manifests under the same digests, so states do not change; the builder must use the same mirror (the
 * daemon's {@code registry-mirrors}). The tests use it to stand a local registry in for Docker Hub.
 */
public record Mirrors(Map<String, String> hosts) {

    public static final String VARIABLE = "DEJA_REGISTRY_MIRRORS";

    public Mirrors {
        hosts = Map.copyOf(hosts);
    }

    public static Mirrors none() {
        return new Mirrors(Map.of());
    }

    /** Reads {@value #VARIABLE} from {@code environment}; a malformed entry is an error naming it. */
    public static Mirrors from(Map<String, String> environment) {
        String value = environment.getOrDefault(VARIABLE, "").strip();
        Map<String, String> hosts = new LinkedHashMap<>();
        if (value.isEmpty()) {
            return new Mirrors(hosts);
        }
        for (String entry : value.split(",")) {
            String[] pair = entry.strip().split("=", 2);
            if (pair.length != 2 || pair[0].isBlank() || pair[1].isBlank() || pair[1].contains("/")) {
                throw new ConfigException(
                        (Path) null,
                        VARIABLE + ": '" + entry.strip()
                                + "' is not registry=host[:port] (for example docker.io=mirror.internal:5000)");
            }
            hosts.put(pair[0].strip(), pair[1].strip());
        }
        return new Mirrors(hosts);
    }

    /** The repository to ask for {@code base}: on its mirror when its registry has one. */
    public Repository repositoryFor(BaseReference base) {
        String mirror = hosts.get(base.registryName());
        return mirror == null
                ? base.repository()
                : new Repository(mirror, base.repository().path());
    }
}
