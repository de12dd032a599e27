package dev.deja.engine;

import dev.deja.packer.ContentHasher;
import java.util.ArrayList;
import java.util.List;

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
                    packed.context().entries().size(), packed.context().totalBytes()));
        }
        saveDigests();
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
