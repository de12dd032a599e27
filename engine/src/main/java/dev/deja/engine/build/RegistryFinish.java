package dev.deja.engine.build;

import dev.deja.engine.plan.Decision;
import dev.deja.engine.plan.Plan;
import dev.deja.engine.plan.PlannedImage;
import dev.deja.engine.report.BuildReport;
import dev.deja.engine.report.ImageResult;
import dev.deja.engine.report.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code build --push}'s finish: a just-built image is reused like any other, and the {@link Promoter} tags all. */
final class RegistryFinish implements BuildRun.Finish {

    private final Promoter promoter;
    private final ImageTags tags;

    RegistryFinish(Promoter promoter, ImageTags tags) {
        this.promoter = promoter;
        this.tags = tags;
    }

    @Override
    public BuildReport afterBuilds(Plan plan, Map<String, Outcome> built) {
        List<PlannedImage> afterBuild = new ArrayList<>();
        for (PlannedImage image : plan.images()) {
            Outcome outcome = built.get(image.name());
            afterBuild.add(
                    outcome != null && outcome.result() == Result.BUILT
                            ? image.decided(Decision.REUSE, outcome.digest())
                            : image);
        }
        Promoter.Result promoted =
                promoter.promote(new Plan(afterBuild, plan.manifests()), tags, BuildRun.succeeded(built));
        List<ImageResult> results = new ArrayList<>();
        for (int i = 0; i < plan.images().size(); i++) {
            PlannedImage image = plan.images().get(i);
            Promoter.Retag retag = promoted.images().get(i);
            Outcome outcome = built.get(image.name());
            String digest = retag.digest().isEmpty() && outcome != null ? outcome.digest() : retag.digest();
            results.add(BuildRun.result(image, outcome, Result.REUSED, digest, retag.tags(), retag.duration()));
        }
        return new BuildReport(results, promoted.movingTagsWritten());
    }
}
