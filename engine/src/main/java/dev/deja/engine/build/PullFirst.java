package dev.deja.engine.build;

import dev.deja.engine.docker.DockerDaemon;
import dev.deja.engine.plan.Plan;
import dev.deja.engine.plan.PlannedImage;
import dev.deja.engine.report.BuildReport;
import dev.deja.engine.report.ImageResult;
import dev.deja.engine.report.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code build --load}'s finish: what the registry has is pulled before the builds; every image then ends up as
 * {@code <repo>:<state tag>} and {@code <name>:latest} in the daemon.
 */
final class PullFirst implements BuildRun.Finish {

    private final Puller puller;
    private final DockerDaemon daemon;
    private final Map<String, Puller.Pulled> pulled = new HashMap<>();

    PullFirst(Puller puller, DockerDaemon daemon) {
        this.puller = puller;
        this.daemon = daemon;
    }

    @Override
    public void beforeBuilds(Plan plan) {
        puller.pull(plan).forEach(p -> pulled.put(p.name(), p));
    }

    @Override
    public BuildReport afterBuilds(Plan plan, Map<String, Outcome> built) {
        List<ImageResult> results = new ArrayList<>();
        for (PlannedImage image : plan.images()) {
            Outcome outcome = built.get(image.name());
            List<String> tags = new ArrayList<>();
            Duration pullTime = Duration.ZERO;
            if (outcome == null) {
                pullTime = pulled.get(image.name()).duration();
                tags.add(image.name() + ":latest");
            } else if (outcome.result() == Result.BUILT) {
                daemon.tag(image.stateRef(), image.name() + ":latest");
                tags.add(image.name() + ":latest");
            }
            if (outcome == null || outcome.result() == Result.BUILT) {
                // What compose's image: names, so that it runs what was just pulled or built.
                for (String own : image.ownTags()) {
                    daemon.tag(image.stateRef(), image.repository() + ":" + own);
                    tags.add(image.repository() + ":" + own);
                }
            }
            results.add(BuildRun.result(image, outcome, Result.PULLED, image.digest(), tags, pullTime));
        }
        BuildReport report = new BuildReport(results, false);
        return new BuildReport(results, report.succeeded());
    }
}
