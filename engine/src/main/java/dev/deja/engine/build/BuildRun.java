package dev.deja.engine.build;

import dev.deja.engine.docker.DockerDaemon;
import dev.deja.engine.docker.ImageBuilder;
import dev.deja.engine.exec.Cancellation;
import dev.deja.engine.graph.ImageGraph;
import dev.deja.engine.pack.ImagePacker;
import dev.deja.engine.plan.CacheRefs;
import dev.deja.engine.plan.Manifests;
import dev.deja.engine.plan.Plan;
import dev.deja.engine.plan.PlannedImage;
import dev.deja.engine.report.BuildReport;
import dev.deja.engine.report.ImageResult;
import dev.deja.engine.report.Result;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One build run: what the plan says is missing is built by the {@link Scheduler}, then a finishing step that
 * depends on where images live writes their tags: the registry ({@code build --push}: retag by manifest PUT), the
 * daemon ({@code build} without a registry: {@code latest}), or the daemon after a pull ({@code build --load}).
 */
public final class BuildRun {

    /** What a mode does around the builds. */
    interface Finish {
        /** Before any build starts. */
        default void beforeBuilds(Plan plan) {}

        /** Once every build is done: the tags, and the report. */
        BuildReport afterBuilds(Plan plan, Map<String, Outcome> built);
    }

    private final Scheduler scheduler;
    private final Finish finish;

    BuildRun(Scheduler scheduler, Finish finish) {
        this.scheduler = scheduler;
        this.finish = finish;
    }

    /**
     * {@code deja build --push}: builds push their state tag; then every image, built or reused, gets the fixed tags
     * by a manifest PUT, and the moving tags only when nothing failed.
     */
    public static BuildRun push(
            ImageGraph graph,
            ImagePacker packer,
            ImageBuilder builder,
            Manifests registry,
            CacheRefs cacheRefs,
            ImageTags tags,
            int jobs,
            Cancellation cancellation,
            String revision) {
        ImageBuild step =
                new ImageBuild(graph, packer, builder, cacheFrom(cacheRefs), true, revision, tags.uncommitted());
        return new BuildRun(
                new Scheduler(graph, step, jobs, cancellation),
                new RegistryFinish(new Promoter(registry, cancellation), tags));
    }

    /**
     * {@code deja build --load}: images whose state is in the registry are pulled first; the rest are built into
     * the daemon with {@code --cache-from} the registry. Nothing is written to the registry.
     */
    public static BuildRun load(
            ImageGraph graph,
            ImagePacker packer,
            ImageBuilder builder,
            CacheRefs cacheRefs,
            DockerDaemon daemon,
            int jobs,
            Cancellation cancellation,
            String revision) {
        ImageBuild step = new ImageBuild(graph, packer, builder, cacheFrom(cacheRefs), false, revision, Map.of());
        return new BuildRun(
                new Scheduler(graph, step, jobs, cancellation), new PullFirst(new Puller(daemon, jobs), daemon));
    }

    /**
     * {@code deja build} without a registry: missing images are built into the daemon as {@code <name>:<state>};
     * when nothing failed, every image's {@code <name>:latest} moves to its state.
     */
    public static BuildRun local(
            ImageGraph graph,
            ImagePacker packer,
            ImageBuilder builder,
            DockerDaemon daemon,
            int jobs,
            Cancellation cancellation,
            String revision) {
        ImageBuild step = new ImageBuild(graph, packer, builder, image -> List.of(), false, revision, Map.of());
        return new BuildRun(new Scheduler(graph, step, jobs, cancellation), new DaemonLatest(daemon, cancellation));
    }

    /** The registry's existing refs of an image's state and branches, as {@code --cache-from}. */
    private static Function<PlannedImage, List<String>> cacheFrom(CacheRefs cacheRefs) {
        return image -> cacheRefs.existing(image.repository(), image.tagFormat(), image.state());
    }

    public BuildReport run(Plan plan, BuildListener listener) {
        return run(plan, () -> plan, listener);
    }

    /**
     * @param reported the plan the report shows: {@code plan} with reasons, which may be found while the images
     *                 build
     */
    public BuildReport run(Plan plan, Supplier<Plan> reported, BuildListener listener) {
        finish.beforeBuilds(plan);
        Map<String, Outcome> built = scheduler.run(plan, listener);
        return finish.afterBuilds(reported.get(), built);
    }

    /** Whether every build of a run succeeded (nothing failed or skipped): the moving tags may then be written. */
    static boolean succeeded(Map<String, Outcome> built) {
        return built.values().stream().noneMatch(o -> o.result().broken());
    }

    /**
     * The report line of one image.
     *
     * @param outcome   its build, or {@code null} when it was not built
     * @param notBuilt  its result when it was not built
     * @param digest    the digest (or image ID) to report
     * @param tags      the tags written
     * @param extraTime time spent on it after the build (retag, pull)
     */
    static ImageResult result(
            PlannedImage image,
            Outcome outcome,
            Result notBuilt,
            String digest,
            List<String> tags,
            Duration extraTime) {
        return new ImageResult(
                image.name(),
                image.repository(),
                image.decision(),
                outcome == null ? notBuilt : outcome.result(),
                image.stateTag(),
                digest,
                tags,
                outcome == null ? List.of() : outcome.cacheFrom(),
                (outcome == null ? Duration.ZERO : outcome.duration()).plus(extraTime),
                outcome == null || outcome.reason().isEmpty() ? image.reason() : outcome.reason());
    }
}
