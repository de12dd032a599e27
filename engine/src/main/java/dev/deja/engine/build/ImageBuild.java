package dev.deja.engine.build;

import dev.deja.engine.docker.BuildFailedException;
import dev.deja.engine.docker.ImageBuilder;
import dev.deja.engine.exec.Parallel;
import dev.deja.engine.graph.ImageGraph;
import dev.deja.engine.pack.EntitlementCheck;
import dev.deja.engine.pack.ImagePacker;
import dev.deja.engine.pack.PackedImage;
import dev.deja.engine.plan.PlannedImage;
import dev.deja.engine.project.ImageDefinition;
import dev.deja.engine.report.Result;
import dev.deja.engine.why.Earlier;
import dev.deja.engine.why.StateSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Builds one image the plan says is missing: its packed context to the builder with the state tag only (the other
 * tags are written afterwards, the same way for built and reused images), or, for a builder image, its files
 * exported to its output folder unless that folder already holds this state.
 */
final class ImageBuild {

    /** The file in an output folder that names the state its files came from; an equal state skips the export. */
    static final String EXPORT_MARKER = ".deja-state";

    private final ImageGraph graph;
    private final ImagePacker packer;
    private final ImageBuilder builder;
    private final Function<PlannedImage, List<String>> cacheFrom;
    private final boolean push;
    private final String revision;
    private final Map<String, String> uncommitted;

    /**
     * @param cacheFrom the {@code --cache-from} refs of an image (none in local mode: the daemon's cache serves)
     * @param push      push built images, or load them into the daemon
     * @param revision    the commit being built ("" outside git), written into every image's labels
     * @param uncommitted why an image is not the commit's, by name: written into its labels too
     */
    ImageBuild(
            ImageGraph graph,
            ImagePacker packer,
            ImageBuilder builder,
            Function<PlannedImage, List<String>> cacheFrom,
            boolean push,
            String revision,
            Map<String, String> uncommitted) {
        this.revision = revision;
        this.uncommitted = Map.copyOf(uncommitted);
        this.graph = graph;
        this.packer = packer;
        this.builder = builder;
        this.cacheFrom = cacheFrom;
        this.push = push;
    }

    void prepare() {
        builder.prepare();
    }

    Outcome build(PlannedImage image, Consumer<String> log) {
        ImageDefinition definition = graph.project().byName().get(image.name());
        long start = System.nanoTime();
        try {
            Optional<String> ungranted = EntitlementCheck.ungranted(graph, definition);
            if (ungranted.isPresent()) {
                throw new BuildFailedException(image.name(), ungranted.get());
            }
            PackedImage packed = packer.forSending(image.name());
            boolean export = definition.exportsFiles();
            Path output = export ? graph.project().root().resolve(definition.output()) : null;
            if (export && image.state().tag().equals(exportedState(output)) && !usedAsImage(image.name())) {
                return new Outcome(image.name(), Result.EXPORTED, "", Duration.ZERO, List.of(), "up to date");
            }
            // The registry is asked for cache sources, and the labels are made, while the context is written out for
            // the builder.
            CompletableFuture<List<String>> sources = export
                    ? CompletableFuture.completedFuture(List.of())
                    : Parallel.ahead("deja-cache-from-" + image.name(), () -> cacheFrom.apply(image));
            CompletableFuture<Map<String, String>> provenance =
                    Parallel.ahead("deja-labels-" + image.name(), () -> provenance(image.name()));
            Function<Path, ImageBuilder.Request> request = exportTo -> new ImageBuilder.Request(
                    packed,
                    definition,
                    image.repository(),
                    List.of(image.stateRef()),
                    () -> Parallel.get(sources),
                    push,
                    exportTo,
                    () -> Parallel.get(provenance));
            ImageBuilder.Result result = builder.build(request.apply(output), log);
            if (export) {
                writeExportedState(output, image.state().tag());
                if (usedAsImage(image.name())) {
                    // Others take it by name (FROM, COPY --from): it is an image too, from the same cached build.
                    result = builder.build(request.apply(null), log);
                }
            }
            return new Outcome(
                    image.name(),
                    export ? Result.EXPORTED : Result.BUILT,
                    result.digest(),
                    result.duration(),
                    Parallel.get(sources),
                    "");
        } catch (BuildFailedException e) {
            // How long it ran before it failed: a build that fails after twenty minutes is not one that cannot start.
            return new Outcome(
                    image.name(),
                    Result.FAILED,
                    "",
                    Duration.ofNanos(System.nanoTime() - start),
                    List.of(),
                    e.getMessage());
        }
    }

    /**
     * deja's labels of an image: what its state was made of, the commit it is built at, and why its files are not
     * that commit's when they are not.
     */
    private Map<String, String> provenance(String name) {
        Map<String, String> labels = new TreeMap<>();
        labels.put(StateSummary.LABEL, Earlier.summary(packer, graph, name).toJson());
        if (!revision.isEmpty()) {
            labels.put(StateSummary.REVISION_LABEL, revision);
        }
        if (uncommitted.containsKey(name)) {
            labels.put(StateSummary.UNCOMMITTED_LABEL, uncommitted.get(name));
        }
        return labels;
    }

    /** Whether an image names this one (FROM, COPY --from, a mount, a named context), not only reads its output. */
    private boolean usedAsImage(String name) {
        return graph.children(name).stream()
                .flatMap(child -> graph.parents(child).stream())
                .anyMatch(dependency -> dependency.parent().equals(name) && !dependency.readsOutput());
    }

    /** The state an output folder was last exported from (its {@value #EXPORT_MARKER} file), or "". */
    static String exportedState(Path output) {
        try {
            Path marker = output.resolve(EXPORT_MARKER);
            return Files.isRegularFile(marker) ? Files.readString(marker).strip() : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void writeExportedState(Path output, String stateTag) {
        try {
            Files.writeString(output.resolve(EXPORT_MARKER), stateTag + "\n");
        } catch (IOException e) {
            throw new BuildFailedException(output.toString(), "cannot record the exported state: " + e.getMessage());
        }
    }
}
