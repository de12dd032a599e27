package dev.deja.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code deja build --load}: a developer's build. Images whose state is in the registry are pulled; the rest are
 * built into the local daemon with {@code --cache-from} the registry. Nothing is written to the registry. Every
 * image ends up as {@code <repo>:<state tag>} and {@code <name>:latest} in the daemon.
 */
public final class LoadRun {

    private final GraphBuilder builder;
    private final DockerDaemon daemon;

    public LoadRun(GraphBuilder builder, DockerDaemon daemon) {
        this.builder = builder;
        this.daemon = daemon;
    }

    public BuildRun.Report run(Plan plan, GitFacts git, int jobs, BuildListener listener) {
        Map<String, Puller.Pulled> pulled = new HashMap<>();
        for (Puller.Pulled p : new Puller(daemon).pull(plan, jobs)) {
            pulled.put(p.name(), p);
        }
        Map<String, GraphBuilder.Outcome> built = builder.build(plan, git, listener);
        List<BuildRun.ImageResult> results = new ArrayList<>();
        for (PlannedImage image : plan.images()) {
            GraphBuilder.Outcome outcome = built.get(image.name());
            List<String> tags = new ArrayList<>();
            String result;
            Duration duration;
            if (outcome == null) {
                result = "pulled";
                duration = pulled.get(image.name()).duration();
                tags.add(image.name() + ":latest");
            } else {
                result = outcome.status().name().toLowerCase(java.util.Locale.ROOT);
                duration = outcome.duration();
                if (outcome.status() == GraphBuilder.Status.BUILT) {
                    daemon.tag(image.stateRef(), image.name() + ":latest");
                    tags.add(image.name() + ":latest");
                }
            }
            results.add(new BuildRun.ImageResult(image.name(), image.repository(), image.decision(), result,
                    image.state().tag(), image.digest(), tags, outcome == null ? List.of() : outcome.cacheFrom(),
                    duration, outcome == null ? "" : outcome.reason()));
        }
        boolean succeeded = results.stream().noneMatch(BuildRun.ImageResult::failed);
        return new BuildRun.Report(results, succeeded);
    }
}
