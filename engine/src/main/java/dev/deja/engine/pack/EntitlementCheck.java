package dev.deja.engine.pack;

import dev.deja.engine.config.Notice;
import dev.deja.engine.graph.ImageGraph;
import dev.deja.engine.project.ImageDefinition;
import dev.deja.packer.InputException;
import dev.deja.packer.dockerfile.Dockerfile;
import dev.deja.packer.dockerfile.EntitlementUse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The entitlements an image's build would be refused for, caught before any build: a {@code RUN --network=host} or
 * {@code RUN --security=insecure} step in a stage the build reaches, which the image is not granted.
 */
public final class EntitlementCheck {

    private EntitlementCheck() {}

    /**
     * What the RUN steps of an image's build need that it is not granted (empty: nothing), said before the builder
     * runs (and by {@code check} and {@code plan}): BuildKit's own refusal ("network.host is not allowed") names neither the step nor where to grant
     * it. One line per entitlement, at its first step.
     */
    public static Optional<String> ungranted(ImageGraph graph, ImageDefinition definition) {
        Dockerfile dockerfile = graph.dockerfile(definition.name());
        List<EntitlementUse> uses;
        try {
            uses = dockerfile.entitlements(definition.arguments().get(0), definition.target());
        } catch (InputException e) {
            return Optional.of(e.describe(graph.project().root()));
        }
        Map<String, EntitlementUse> ungranted = new TreeMap<>();
        for (EntitlementUse use : uses) {
            if (!definition.run().entitlements().contains(use.entitlement())) {
                ungranted.putIfAbsent(use.entitlement(), use);
            }
        }
        if (ungranted.isEmpty()) {
            return Optional.empty();
        }
        List<String> lines = new ArrayList<>();
        ungranted.forEach((entitlement, use) -> lines.add(new Notice(
                        dockerfile.file(),
                        use.line(),
                        "RUN " + use.flag() + " needs the " + entitlement + " entitlement")
                .describe(graph.project().root())));
        String them = ungranted.size() == 1 ? "it" : "them";
        String grant = "entitlements: [" + String.join(", ", ungranted.keySet()) + "]";
        Path root = graph.project().root();
        String where;
        if (!definition.composeServices().isEmpty()
                && !definition.declaredIn().equals(graph.project().config().file())) {
            where = "add " + grant + " to the build: of service '"
                    + definition.composeServices().get(0) + "' in "
                    + (definition.declaredIn().startsWith(root)
                            ? root.relativize(definition.declaredIn())
                            : definition.declaredIn());
        } else if (definition.line() == 0
                && definition
                        .declaredIn()
                        .equals(root.resolve(definition.dockerfile()).normalize())) {
            // Discovered: there is no file to grant it in yet.
            where = "write image '" + definition.name() + "' under images: in deja.yaml (deja init -o deja.yaml writes"
                    + " what deja found) with " + grant;
        } else {
            where = "grant " + them + " to image '" + definition.name() + "' with " + grant + " in deja.yaml";
        }
        return Optional.of(String.join("; ", lines) + ": " + where + " (the builder must allow " + them + " too)");
    }
}
