package dev.deja.engine;

import dev.deja.registry.RegistryClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The build half: walks the plan level by level, building (or exporting) every image whose state is missing,
 * {@code jobs} at a time; an image whose parent failed is skipped with the reason. Builds get only the state tag:
 * the other tags are written afterwards by {@link Promoter}, the same way for built and reused images.
 */
public final class GraphBuilder {

    /** The file in an output folder that names the state its files came from; an equal state skips the export. */
    public static final String EXPORT_MARKER = ".deja-state";

    /** What a build step did. */
    public enum Status {
        BUILT, EXPORTED, FAILED, SKIPPED;

        /** Failed, or skipped because a parent did: the run did not succeed, the image's descendants cannot build. */
        public boolean broken() {
            return this == FAILED || this == SKIPPED;
        }
    }

    /** Whether every build of a run succeeded (nothing failed or skipped): the moving tags may then be written. */
    public static boolean succeeded(Map<String, Outcome> outcomes) {
        return outcomes.values().stream().noneMatch(o -> o.status().broken());
    }

    /**
     * @param cacheFrom the refs the build took cache from
     * @param reason    why it failed or was skipped; "" otherwise
     */
    public record Outcome(String name, Status status, String digest, Duration duration, List<String> cacheFrom,
                          String reason) {
        public Outcome {
            cacheFrom = List.copyOf(cacheFrom);
        }
    }

    private final ImageGraph graph;
    private final ImagePacker packer;
    private final RegistryClient registry;
    private final BuildDriver driver;
    private final int jobs;
    private final boolean push;

    /**
     * @param registry where images are pushed and cache is looked up; {@code null} in local mode (builds are
     *                 loaded into the daemon, whose own build cache serves)
     */
    public GraphBuilder(ImageGraph graph, ImagePacker packer, RegistryClient registry, BuildDriver driver,
                        int jobs) {
        this(graph, packer, registry, driver, jobs, registry != null);
    }

    /** @param push push built images ({@code false}: load them into the daemon, cache still from the registry) */
    public GraphBuilder(ImageGraph graph, ImagePacker packer, RegistryClient registry, BuildDriver driver,
                        int jobs, boolean push) {
        this.graph = graph;
        this.packer = packer;
        this.registry = registry;
        this.driver = driver;
        this.jobs = Math.max(1, jobs);
        this.push = push;
    }

    /** Builds what the plan says is missing; returns an outcome per built, exported, failed or skipped image. */
    public Map<String, Outcome> build(Plan plan, GitFacts git, BuildListener listener) {
        Map<String, Outcome> outcomes = new HashMap<>();
        Map<String, PlannedImage> byName = new HashMap<>();
        plan.images().forEach(i -> byName.put(i.name(), i));
        if (plan.images().stream().anyMatch(i -> i.decision() == Decision.BUILD || i.decision() == Decision.EXPORT)) {
            // What builds is asked of the docker CLI while the first images are packed and their cache found;
            // a run that only reuses never starts it.
            driver.probeInBackground();
        }
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        try {
            for (List<String> level : graph.levels()) {
                List<Future<Outcome>> running = new ArrayList<>();
                for (String name : level) {
                    PlannedImage image = byName.get(name);
                    if (image == null || (image.decision() != Decision.BUILD && image.decision() != Decision.EXPORT)) {
                        continue;
                    }
                    if (cancellation().cancelled()) {
                        skip(name, "interrupted", outcomes, listener);
                        continue;
                    }
                    String broken = brokenParent(name, outcomes);
                    if (broken != null) {
                        skip(name, "parent " + broken + " " + outcomes.get(broken).status().name().toLowerCase(
                                java.util.Locale.ROOT), outcomes, listener);
                        continue;
                    }
                    running.add(pool.submit(() -> buildOne(image, git, listener)));
                }
                for (Outcome outcome : Futures.getAll(running)) {
                    outcomes.put(outcome.name(), outcome);
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void skip(String name, String reason, Map<String, Outcome> outcomes, BuildListener listener) {
        outcomes.put(name, new Outcome(name, Status.SKIPPED, "", Duration.ZERO, List.of(), reason));
        listener.finished(name, Status.SKIPPED, reason);
    }

    /** How the run is stopped; the writes after the builds respect it too. */
    public Cancellation cancellation() {
        return driver.cancellation();
    }

    private String brokenParent(String name, Map<String, Outcome> outcomes) {
        for (Dependency dependency : graph.parents(name)) {
            Outcome parent = outcomes.get(dependency.parent());
            if (parent != null && parent.status().broken()) {
                return dependency.parent();
            }
        }
        return null;
    }

    /** The state an output folder was last exported from (its {@value #EXPORT_MARKER} file), or "". */
    static String exportedState(Path output) {
        try {
            Path marker = output.resolve(EXPORT_MARKER);
            return java.nio.file.Files.isRegularFile(marker) ? java.nio.file.Files.readString(marker).strip() : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static void writeExportedState(Path output, String stateTag) {
        try {
            java.nio.file.Files.writeString(output.resolve(EXPORT_MARKER), stateTag + "\n");
        } catch (java.io.IOException e) {
            throw new BuildFailedException(output.toString(), "cannot record the exported state: " + e.getMessage());
        }
    }

    private Outcome buildOne(PlannedImage image, GitFacts git, BuildListener listener) {
        listener.started(image.name());
        Outcome outcome = attempt(image, git, line -> listener.line(image.name(), line));
        listener.finished(image.name(), outcome.status(), outcome.reason());
        return outcome;
    }

    private Outcome attempt(PlannedImage image, GitFacts git, Consumer<String> log) {
        ImageDefinition definition = graph.project().byName().get(image.name());
        try {
            PackedImage packed = packer.pack(image.name());
            boolean export = definition.exportsFiles();
            Path output = export ? graph.project().root().resolve(definition.output()) : null;
            if (export && image.state().tag().equals(exportedState(output))) {
                return new Outcome(image.name(), Status.EXPORTED, "", Duration.ZERO, List.of(), "up to date");
            }
            List<String> cacheFrom = export || registry == null ? List.of()
                    : CacheRefs.existing(registry, image.repository(), image.state(), git);
            BuildDriver.Result result = driver.build(new BuildDriver.Request(packed, definition,
                    image.repository(), List.of(image.stateRef()), cacheFrom, push, output), log);
            if (export) {
                writeExportedState(output, image.state().tag());
            }
            return new Outcome(image.name(), export ? Status.EXPORTED : Status.BUILT, result.digest(),
                    result.duration(), cacheFrom, "");
        } catch (BuildFailedException e) {
            return new Outcome(image.name(), Status.FAILED, "", Duration.ZERO, List.of(), e.getMessage());
        }
    }
}
