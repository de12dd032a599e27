package dev.deja.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code deja build} without a registry: missing images are built into the daemon ({@code --load}) as
 * {@code <name>:<state tag>}; when nothing failed, every image's {@code <name>:latest} moves to its state.
 */
public final class LocalBuildRun {

    private final GraphBuilder builder;
    private final DockerDaemon daemon;

    public LocalBuildRun(GraphBuilder builder, DockerDaemon daemon) {
        this.builder = builder;
        this.daemon = daemon;
    }

    public BuildRun.Report run(Plan plan, GitFacts git, BuildListener listener) {
        Map<String, GraphBuilder.Outcome> built = builder.build(plan, git, listener);
        boolean succeeded = GraphBuilder.succeeded(built);
        List<PlannedImage> movable = plan.images().stream().filter(image -> {
            GraphBuilder.Outcome outcome = built.get(image.name());
            boolean inStore = outcome == null || outcome.status() == GraphBuilder.Status.BUILT;
            return inStore && image.decision() != Decision.EXPORT;
        }).toList();
        boolean moved = succeeded && builder.cancellation().unlessCancelled(() -> {
            movable.forEach(image -> daemon.tag(image.stateRef(), image.repository() + ":latest"));
            return true;
        }) != null;
        List<BuildRun.ImageResult> results = new ArrayList<>();
        for (PlannedImage image : plan.images()) {
            GraphBuilder.Outcome outcome = built.get(image.name());
            String result = outcome == null ? "reused" : outcome.status().name().toLowerCase(java.util.Locale.ROOT);
            List<String> tags = moved && movable.contains(image) ? List.of("latest") : List.of();
            String id = outcome != null && outcome.status() == GraphBuilder.Status.BUILT
                    ? daemon.imageId(image.stateRef()).orElse("") : image.digest();
            results.add(new BuildRun.ImageResult(image.name(), image.repository(), image.decision(), result,
                    image.state().tag(), id, tags, List.of(),
                    outcome == null ? Duration.ZERO : outcome.duration(), outcome == null ? "" : outcome.reason()));
        }
        return new BuildRun.Report(results, moved);
    }
}
