package dev.deja.engine.bases;

import dev.deja.engine.exec.Parallel;
import dev.deja.engine.graph.BaseUse;
import dev.deja.registry.ManifestDescriptor;
import dev.deja.registry.RegistryClient;
import dev.deja.registry.RegistryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Asks the registries what the bases' tags name now: one HEAD per distinct base, all at once, through the same
 * client (credentials, tokens, retries) as the rest of deja. The digest is that of what the tag names: the index
 * of a multi-platform image, so every platform's build reads the same one.
 */
public final class BaseResolver {

    private final RegistryClient client;
    private final Mirrors mirrors;
    private final Path root;

    /** @param root the project root, for naming where a base that cannot be resolved is written */
    public BaseResolver(RegistryClient client, Mirrors mirrors, Path root) {
        this.client = client;
        this.mirrors = mirrors;
        this.root = root;
    }

    /**
     * The digest of every base {@code uses} name, by normalized reference. A base that does not exist, or whose
     * registry refuses or cannot be reached, is a {@link RegistryException} naming it and where it is used.
     */
    public SortedMap<String, String> resolve(List<BaseUse> uses) {
        Map<String, BaseUse> first = new LinkedHashMap<>();
        for (BaseUse use : uses) {
            first.putIfAbsent(BaseReference.parse(use.reference()).normalized(), use);
        }
        List<BaseUse> distinct = new ArrayList<>(first.values());
        List<String> digests = Parallel.map(distinct, Parallel.DEFAULT_WIDTH, this::resolveOne);
        SortedMap<String, String> out = new TreeMap<>();
        for (int i = 0; i < distinct.size(); i++) {
            out.put(BaseReference.parse(distinct.get(i).reference()).normalized(), digests.get(i));
        }
        return out;
    }

    private String resolveOne(BaseUse use) {
        BaseReference base = BaseReference.parse(use.reference());
        var repository = mirrors.repositoryFor(base);
        String asked =
                repository.equals(base.repository()) ? "" : " (asked at its mirror " + repository.registry() + ")";
        try {
            return client.exists(repository, base.tag())
                    .map(ManifestDescriptor::digest)
                    .orElseThrow(() -> new RegistryException(
                            repository.registry(), 404, "MANIFEST_UNKNOWN", "no such tag: " + base.normalized()));
        } catch (RegistryException e) {
            boolean missing = e.status() == 404 || e.status() == 401 || e.status() == 403;
            throw e.about("base image " + use.describe(root) + asked
                    + (missing
                            ? " (an image that is only in a local daemon cannot be resolved: push it, build it in"
                                    + " this repository, or set bases: ignore)"
                            : ""));
        }
    }
}
