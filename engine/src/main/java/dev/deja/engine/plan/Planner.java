package dev.deja.engine.plan;

import dev.deja.engine.bases.ResolvedBases;
import dev.deja.engine.exec.Parallel;
import dev.deja.engine.graph.Dependency;
import dev.deja.engine.graph.ImageGraph;
import dev.deja.engine.graph.Selection;
import dev.deja.engine.pack.ImagePacker;
import dev.deja.engine.pack.PackedImage;
import dev.deja.engine.project.ImageDefinition;
import dev.deja.packer.state.ContentHasher;
import dev.deja.registry.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** Makes the plan: the selected images in dependency order with their states, and what exists of them. */
public final class Planner {

    private final ImageGraph graph;
    private final ContentHasher hasher;
    private final ImagePacker packer;

    public Planner(ImageGraph graph, ContentHasher hasher, ResolvedBases bases) {
        this(graph, hasher, () -> bases, Map.of());
    }

    /**
     * @param bases     the bases' digests, waited for once a state needs them: the contexts are walked meanwhile
     * @param devImages images taken as their local {@code <name>:dev} (see {@link ImagePacker})
     */
    public Planner(
            ImageGraph graph, ContentHasher hasher, Supplier<ResolvedBases> bases, Map<String, String> devImages) {
        this(graph, hasher, new ImagePacker(graph, hasher, bases, devImages));
    }

    /** A planner whose images {@code packer} packs (one made with the same graph and hasher). */
    public Planner(ImageGraph graph, ContentHasher hasher, ImagePacker packer) {
        this.graph = graph;
        this.hasher = hasher;
        this.packer = packer;
    }

    /** A plan that does not ask the registry: every decision is {@link Decision#UNKNOWN}. */
    public Plan offline(Selection selection) {
        Plan plan = packed(selection);
        saveDigests();
        return plan;
    }

    private Plan packed(Selection selection) {
        List<PlannedImage> images = new ArrayList<>();
        List<String> names = selection.apply(graph);
        packer.walkAhead(names);
        for (String name : names) {
            PackedImage packed = packer.pack(name);
            images.add(new PlannedImage(
                    name,
                    graph.project().repository(name),
                    packed.state(),
                    Decision.UNKNOWN,
                    graph.level(name),
                    graph.parents(name).stream().map(Dependency::parent).toList(),
                    packed.fileCount(),
                    packed.totalBytes(),
                    "",
                    graph.project().byName().get(name).tags(),
                    graph.project().byName().get(name).tagFormat(),
                    unresolved(name),
                    ""));
        }
        return new Plan(images);
    }

    /**
     * A plan that asks where states live, all images at once: {@link Decision#REUSE} when the state exists,
     * {@link Decision#BUILD} when it does not, {@link Decision#EXPORT} for builder images (never pushed). A lookup
     * that refuses or cannot be reached is an error, never a decision.
     *
     * @param lookup asked for only once every state is known: it may still be starting (a registry client's TLS
     *               set-up takes as long as hashing a small monorepo)
     */
    public Plan online(Selection selection, Supplier<StateLookup> lookup) {
        Plan offline = packed(selection);
        // The digests are kept while the registry is asked, not before: a miss's build waits for its answer.
        CompletableFuture<Integer> saving = Parallel.ahead("deja-save-digests", () -> {
            saveDigests();
            return 0;
        });
        StateLookup states = lookup.get();
        Map<String, ImageDefinition> definitions = graph.project().byName();
        Map<String, Manifest> manifests = new ConcurrentHashMap<>();
        List<PlannedImage> decided = Parallel.map(offline.images(), Parallel.DEFAULT_WIDTH, image -> {
            if (definitions.get(image.name()).exportsFiles()) {
                return image.decided(Decision.EXPORT, "");
            }
            Optional<StateLookup.Found> found = states.find(image);
            found.flatMap(StateLookup.Found::manifest).ifPresent(m -> manifests.put(image.name(), m));
            return found.map(f -> image.decided(Decision.REUSE, f.id()))
                    .orElseGet(() -> image.decided(Decision.BUILD, ""));
        });
        Parallel.get(saving);
        return new Plan(decided, manifests);
    }

    /** The unresolved bases of an image and of its ancestors: any of them leaves its state unresolved too. */
    private List<String> unresolved(String name) {
        return graph.ancestorsAndSelf(name).stream()
                .flatMap(image -> packer.pack(image).inputs().unresolvedBases().stream())
                .distinct()
                .sorted()
                .toList();
    }

    /** Keeps what was hashed for the next run (see {@code DigestCaches}). */
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
