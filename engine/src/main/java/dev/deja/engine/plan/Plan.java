package dev.deja.engine.plan;

import dev.deja.registry.Manifest;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The images a command acts on, parents first, each with its state and decision.
 *
 * @param manifests the manifests of reused images, by name, when the plan fetched them (build needs their bytes)
 */
public record Plan(List<PlannedImage> images, Map<String, Manifest> manifests) {

    public Plan {
        images = List.copyOf(images);
        manifests = Map.copyOf(manifests);
    }

    public Plan(List<PlannedImage> images) {
        this(images, Map.of());
    }

    public Optional<Manifest> manifest(String name) {
        return Optional.ofNullable(manifests.get(name));
    }
}
