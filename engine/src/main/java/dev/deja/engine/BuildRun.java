package dev.deja.engine;

import dev.deja.registry.RegistryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code deja build --push} end to end: build (or export) what is missing, then give every image — built or
 * reused — its fixed tags, and the moving tags only if nothing failed.
 */
public final class BuildRun {

    /**
     * One line of the final report.
     *
     * @param result reused, built, exported, failed or skipped
     */
    public record ImageResult(String name, String repository, Decision decision, String result, String state,
                              String digest, List<String> tags, List<String> cacheFrom, Duration duration,
                              String reason) {
        public ImageResult {
            tags = List.copyOf(tags);
            cacheFrom = List.copyOf(cacheFrom);
        }

        public boolean failed() {
            return result.equals("failed") || result.equals("skipped");
        }
    }

    /** @param movingTagsWritten whether the branch/latest tags were moved */
    public record Report(List<ImageResult> images, boolean movingTagsWritten) {
        public Report {
            images = List.copyOf(images);
        }

        public boolean succeeded() {
            return images.stream().noneMatch(ImageResult::failed);
        }
    }

    private final GraphBuilder builder;
    private final RegistryClient registry;

    public BuildRun(GraphBuilder builder, RegistryClient registry) {
        this.builder = builder;
        this.registry = registry;
    }

    public Report run(Plan plan, ImageTags tags, GitFacts git, BuildListener listener) {
        Map<String, GraphBuilder.Outcome> built = builder.build(plan, git, listener);
        List<PlannedImage> afterBuild = new ArrayList<>();
        for (PlannedImage image : plan.images()) {
            GraphBuilder.Outcome outcome = built.get(image.name());
            afterBuild.add(outcome != null && outcome.status() == GraphBuilder.Status.BUILT
                    ? image.decided(Decision.REUSE, outcome.digest())
                    : image);
        }
        boolean succeeded = GraphBuilder.succeeded(built);
        Promoter.Result promoted = new Promoter(registry, builder.cancellation()).promote(
                new Plan(afterBuild, plan.manifests()), tags, succeeded);
        List<ImageResult> results = new ArrayList<>();
        for (int i = 0; i < plan.images().size(); i++) {
            PlannedImage image = plan.images().get(i);
            Promoter.Outcome retag = promoted.images().get(i);
            GraphBuilder.Outcome outcome = built.get(image.name());
            String result = outcome == null ? "reused" : outcome.status().name().toLowerCase(java.util.Locale.ROOT);
            String digest = retag.digest().isEmpty() && outcome != null ? outcome.digest() : retag.digest();
            Duration duration = (outcome == null ? Duration.ZERO : outcome.duration()).plus(retag.duration());
            String reason = outcome != null ? outcome.reason() : "";
            results.add(new ImageResult(image.name(), image.repository(), image.decision(), result,
                    image.state().tag(), digest, retag.tags(),
                    outcome == null ? List.of() : outcome.cacheFrom(), duration, reason));
        }
        return new Report(results, promoted.movingTagsWritten());
    }
}
