package dev.deja.engine;

import dev.deja.packer.state.ContentHasher;
import dev.deja.registry.Manifest;
import dev.deja.registry.ManifestDescriptor;
import dev.deja.registry.RegistryClient;
import dev.deja.registry.Repository;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Makes the plan: the selected images in dependency order with their states. */
public final class Planner {

    private final ImageGraph graph;
    private final ContentHasher hasher;
    private final ImagePacker packer;

    public Planner(ImageGraph graph, ContentHasher hasher) {
        this.graph = graph;
        this.hasher = hasher;
        this.packer = new ImagePacker(graph, hasher);
    }

    /** A plan that does not ask the registry: every decision is {@link Decision#UNKNOWN}. */
    public Plan offline(Selection selection) {
        List<PlannedImage> images = new ArrayList<>();
        for (String name : selection.apply(graph)) {
            PackedImage packed = packer.pack(name);
            images.add(new PlannedImage(name, graph.project().repository(name), packed.state(), Decision.UNKNOWN,
                    graph.level(name), graph.parents(name).stream().map(Dependency::parent).toList(),
                    packed.context().entries().size(), packed.context().totalBytes(), ""));
        }
        saveDigests();
        return new Plan(images);
    }

    /**
     * A plan that asks the registry, all images at once: {@link Decision#REUSE} when {@code <repo>:<state tag>}
     * exists, {@link Decision#BUILD} when it does not, {@link Decision#EXPORT} for builder images (never pushed).
     * A registry that refuses or cannot be reached is an error, never a decision.
     */
    public Plan online(Selection selection, RegistryClient registry) {
        return online(selection, registry, false);
    }

    /**
     * As {@link #online(Selection, RegistryClient)}; with {@code fetchManifests} each check is a GET that keeps the
     * manifest for a retag (one round trip per image instead of two), else a HEAD.
     */
    public Plan online(Selection selection, RegistryClient registry, boolean fetchManifests) {
        return online(selection, () -> registry, fetchManifests);
    }

    /**
     * As above with a registry client that may still be starting (its TLS set-up takes as long as hashing a
     * small monorepo): it is asked for only once every state is known.
     */
    public Plan online(Selection selection, java.util.function.Supplier<RegistryClient> starting,
                       boolean fetchManifests) {
        if (graph.project().config().localMode()) {
            throw new IllegalStateException("local mode plans with onlineLocal");
        }
        Plan offline = offline(selection);
        RegistryClient registry = starting.get();
        Map<String, ImageDefinition> definitions = graph.project().byName();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(8, offline.images().size())));
        Map<String, Manifest> manifests = new ConcurrentHashMap<>();
        try {
            List<Future<PlannedImage>> decided = new ArrayList<>();
            for (PlannedImage image : offline.images()) {
                decided.add(pool.submit(() -> {
                    if (definitions.get(image.name()).exportsFiles()) {
                        return image.decided(Decision.EXPORT, "");
                    }
                    Repository repository = Repository.parse(image.repository());
                    Optional<String> digest;
                    if (fetchManifests) {
                        Optional<Manifest> manifest = registry.manifest(repository, image.state().tag());
                        manifest.ifPresent(m -> manifests.put(image.name(), m));
                        digest = manifest.map(Manifest::digest);
                    } else {
                        digest = registry.exists(repository, image.state().tag()).map(ManifestDescriptor::digest);
                    }
                    return digest.map(d -> image.decided(Decision.REUSE, d))
                            .orElseGet(() -> image.decided(Decision.BUILD, ""));
                }));
            }
            return new Plan(Futures.getAll(decided), manifests);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Local mode's plan: the daemon's image store is the cache — {@code <name>:<state tag>} present means reuse.
     */
    public Plan onlineLocal(Selection selection, DockerDaemon daemon) {
        Plan offline = offline(selection);
        Map<String, ImageDefinition> definitions = graph.project().byName();
        List<PlannedImage> images = new ArrayList<>();
        for (PlannedImage image : offline.images()) {
            if (definitions.get(image.name()).exportsFiles()) {
                images.add(image.decided(Decision.EXPORT, ""));
                continue;
            }
            images.add(daemon.imageId(image.stateRef()).map(id -> image.decided(Decision.REUSE, id))
                    .orElseGet(() -> image.decided(Decision.BUILD, "")));
        }
        return new Plan(images);
    }

    /** Keeps what was hashed for the next run (see {@link DigestCaches}). */
    public void saveDigests() {
        hasher.saveCache();
    }

    public ImageGraph graph() {
        return graph;
    }

    public ImagePacker packer() {
        return packer;
    }
}
