package dev.deja.engine.build;

import dev.deja.engine.docker.DockerDaemon;
import dev.deja.engine.exec.Cancellation;
import dev.deja.engine.plan.Decision;
import dev.deja.engine.plan.Plan;
import dev.deja.engine.plan.PlannedImage;
import dev.deja.engine.report.BuildReport;
import dev.deja.engine.report.ImageResult;
import dev.deja.engine.report.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Local mode's finish: when nothing failed, every image's {@code <name>:latest} moves to its state, all or none. */
final class DaemonLatest implements BuildRun.Finish {

    private final DockerDaemon daemon;
    private final Cancellation cancellation;

    DaemonLatest(DockerDaemon daemon, Cancellation cancellation) {
        this.daemon = daemon;
        this.cancellation = cancellation;
    }

    @Override
    public BuildReport afterBuilds(Plan plan, Map<String, Outcome> built) {
        List<PlannedImage> movable = plan.images().stream()
                .filter(image -> {
                    Outcome outcome = built.get(image.name());
                    boolean inStore = outcome == null || outcome.result() == Result.BUILT;
                    return inStore && image.decision() != Decision.EXPORT;
                })
                .toList();
        boolean moved = BuildRun.succeeded(built)
                && cancellation.unlessCancelled(() -> {
                            movable.forEach(image -> localTags(image)
                                    .forEach(tag -> daemon.tag(image.stateRef(), image.repository() + ":" + tag)));
                            return true;
                        })
                        != null;
        List<ImageResult> results = new ArrayList<>();
        for (PlannedImage image : plan.images()) {
            Outcome outcome = built.get(image.name());
            List<String> tags = moved && movable.contains(image) ? localTags(image) : List.of();
            String id = outcome != null && outcome.result() == Result.BUILT
                    ? daemon.imageId(image.stateRef()).orElse("")
                    : image.digest();
            results.add(BuildRun.result(image, outcome, Result.REUSED, id, tags, Duration.ZERO));
        }
        return new BuildReport(results, moved);
    }

    /** {@code latest}, and the image's own tags (compose runs what its {@code image:} names). */
    static List<String> localTags(PlannedImage image) {
        List<String> tags = new ArrayList<>(List.of("latest"));
        image.ownTags().stream().filter(t -> !t.equals("latest")).forEach(tags::add);
        return tags.stream().map(image.tagFormat()::apply).toList();
    }
}
