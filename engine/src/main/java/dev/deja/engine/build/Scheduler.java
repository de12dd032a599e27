package dev.deja.engine.build;

import dev.deja.engine.exec.Cancellation;
import dev.deja.engine.exec.Parallel;
import dev.deja.engine.graph.Dependency;
import dev.deja.engine.graph.ImageGraph;
import dev.deja.engine.plan.Plan;
import dev.deja.engine.plan.PlannedImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Builds (or exports) every image the plan says is missing, {@code jobs} at a time. An image starts as soon as its
 * own parents in the run have finished, not when a whole level has; an image whose parent failed or was skipped
 * is skipped with the reason, and once the run is cancelled no build starts.
 */
public final class Scheduler {

    private final ImageGraph graph;
    private final ImageBuild step;
    private final int jobs;
    private final Cancellation cancellation;

    Scheduler(ImageGraph graph, ImageBuild step, int jobs, Cancellation cancellation) {
        this.graph = graph;
        this.step = step;
        this.jobs = Math.max(1, jobs);
        this.cancellation = cancellation;
    }

    /** Returns an outcome per built, exported, failed or skipped image (reused images have none). */
    Map<String, Outcome> run(Plan plan, BuildListener listener) {
        Map<String, PlannedImage> waiting = new LinkedHashMap<>();
        for (PlannedImage image : plan.images()) {
            if (image.decision().runsBuilder()) {
                waiting.put(image.name(), image);
            }
        }
        Map<String, Outcome> outcomes = new HashMap<>();
        if (waiting.isEmpty()) {
            return outcomes;
        }
        // What builds is asked of the docker CLI while the first images are packed and their cache found; a run
        // that only reuses never starts it.
        step.prepare();
        Set<String> inRun = Set.copyOf(waiting.keySet());
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        CompletionService<Outcome> finished = new ExecutorCompletionService<>(pool);
        try {
            int running = 0;
            while (!waiting.isEmpty() || running > 0) {
                boolean skipped = false;
                for (PlannedImage image : ready(waiting, inRun, outcomes)) {
                    String reason = skipReason(image.name(), outcomes);
                    if (reason == null && running == jobs) {
                        // Nothing waits in the pool's queue: a build starts only when a slot is free, so a run
                        // cancelled meanwhile starts none.
                        break;
                    }
                    waiting.remove(image.name());
                    if (reason != null) {
                        Outcome skip = Outcome.skipped(image.name(), reason);
                        outcomes.put(image.name(), skip);
                        listener.finished(image.name(), skip.result(), reason);
                        skipped = true;
                        continue;
                    }
                    finished.submit(() -> buildOne(image, listener));
                    running++;
                }
                if (running == 0) {
                    if (!skipped && !waiting.isEmpty()) {
                        throw new IllegalStateException("no image is ready to build: " + waiting.keySet());
                    }
                    continue;
                }
                Outcome outcome = Parallel.get(finished.take());
                outcomes.put(outcome.name(), outcome);
                running--;
            }
            return outcomes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The waiting images whose parents in this run all have an outcome, in plan order. */
    private List<PlannedImage> ready(
            Map<String, PlannedImage> waiting, Set<String> inRun, Map<String, Outcome> outcomes) {
        List<PlannedImage> ready = new ArrayList<>();
        for (PlannedImage image : waiting.values()) {
            boolean parentsDone = graph.parents(image.name()).stream()
                    .map(Dependency::parent)
                    .allMatch(parent -> !inRun.contains(parent) || outcomes.containsKey(parent));
            if (parentsDone) {
                ready.add(image);
            }
        }
        return ready;
    }

    /** Why {@code name} cannot be built now, or {@code null}. */
    private String skipReason(String name, Map<String, Outcome> outcomes) {
        if (cancellation.cancelled()) {
            return "interrupted";
        }
        for (Dependency dependency : graph.parents(name)) {
            Outcome parent = outcomes.get(dependency.parent());
            if (parent != null && parent.result().broken()) {
                return "parent " + dependency.parent() + " " + parent.result().label();
            }
        }
        return null;
    }

    private Outcome buildOne(PlannedImage image, BuildListener listener) {
        listener.started(image.name());
        Outcome outcome = step.build(image, line -> listener.line(image.name(), line));
        listener.finished(image.name(), outcome.result(), outcome.reason());
        return outcome;
    }
}
