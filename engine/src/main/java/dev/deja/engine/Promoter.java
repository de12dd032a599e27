package dev.deja.engine;

import dev.deja.registry.Manifest;
import dev.deja.registry.RegistryClient;
import dev.deja.registry.RegistryException;
import dev.deja.registry.Repository;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The reuse half of {@code build}: every image whose state exists gets its commit, branch and extra tags by a raw
 * manifest PUT in the registry (same digest, no layer moves). Moving tags are written only when no image of the
 * run still needs a build.
 */
public final class Promoter {

    /**
     * What happened to one image.
     *
     * @param tags   the tags written (state tag excluded)
     * @param reason why nothing was done, for images not reused
     */
    public record Outcome(String name, Decision decision, String digest, List<String> tags, Duration duration,
                          String reason) {
        public Outcome {
            tags = List.copyOf(tags);
        }
    }

    /** The outcomes in plan order, and whether the moving tags were written. */
    public record Result(List<Outcome> images, boolean movingTagsWritten) {
        public Result {
            images = List.copyOf(images);
        }

        public List<Outcome> notBuilt() {
            return images.stream().filter(o -> o.decision() != Decision.REUSE).toList();
        }
    }

    private final RegistryClient registry;
    private final Cancellation cancellation;

    /** @param cancellation a stopped run writes no moving tag, and one that started writing them finishes */
    public Promoter(RegistryClient registry, Cancellation cancellation) {
        this.registry = registry;
        this.cancellation = cancellation;
    }

    /**
     * Retags every reused image with the fixed tags, and with the moving tags when {@code runSucceeded} (every
     * image of the run was reused, built or exported).
     */
    public Result promote(Plan plan, ImageTags tags, boolean runSucceeded) {
        List<PlannedImage> reused = plan.images().stream().filter(i -> i.decision() == Decision.REUSE).toList();
        boolean everythingReused = runSucceeded;
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(8, reused.size())));
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (PlannedImage image : plan.images()) {
                if (image.decision() != Decision.REUSE) {
                    continue;
                }
                futures.add(pool.submit(() -> retag(plan, image, tags.fixed())));
            }
            List<Outcome> fixed = Futures.getAll(futures);
            List<Outcome> outcomes = new ArrayList<>();
            int next = 0;
            for (PlannedImage image : plan.images()) {
                if (image.decision() != Decision.REUSE) {
                    outcomes.add(new Outcome(image.name(), image.decision(), "", List.of(), Duration.ZERO,
                            image.decision() == Decision.EXPORT
                                    ? "builder image: its files are exported by a build, not reused"
                                    : "state " + image.state().tag() + " is not in the registry: needs a build"));
                } else {
                    outcomes.add(fixed.get(next++));
                }
            }
            if (!everythingReused || tags.moving().isEmpty()) {
                return new Result(outcomes, false);
            }
            List<Outcome> withMoving = cancellation.unlessCancelled(() -> writeMoving(plan, tags, pool, outcomes));
            return withMoving == null ? new Result(outcomes, false) : new Result(withMoving, true);
        } finally {
            pool.shutdownNow();
        }
    }

    private List<Outcome> writeMoving(Plan plan, ImageTags tags, ExecutorService pool, List<Outcome> outcomes) {
        List<Future<Outcome>> moving = new ArrayList<>();
        for (Outcome outcome : outcomes) {
            if (outcome.decision() != Decision.REUSE) {
                moving.add(java.util.concurrent.CompletableFuture.completedFuture(outcome));
                continue;
            }
            PlannedImage image = plan.images().stream().filter(i -> i.name().equals(outcome.name())).findFirst()
                    .orElseThrow();
            moving.add(pool.submit(() -> {
                Outcome more = retag(plan, image, tags.moving());
                List<String> all = new ArrayList<>(outcome.tags());
                all.addAll(more.tags());
                return new Outcome(outcome.name(), outcome.decision(), outcome.digest(), all,
                        outcome.duration().plus(more.duration()), "");
            }));
        }
        return Futures.getAll(moving);
    }

    private Outcome retag(Plan plan, PlannedImage image, List<String> tags) {
        long start = System.nanoTime();
        Repository repository = Repository.parse(image.repository());
        if (plan.manifest(image.name()).isPresent()) {
            Manifest manifest = plan.manifest(image.name()).get();
            putAll(repository, tags, manifest);
            return new Outcome(image.name(), Decision.REUSE, manifest.digest(), tags,
                    Duration.ofNanos(System.nanoTime() - start), "");
        }
        // Just built: another run building the same state may push it again at any moment. Tag what the state tag
        // holds now and check afterwards that it still does, so every tag ends on the state tag's last image.
        Manifest manifest = stateManifest(repository, image);
        for (int attempt = 1; ; attempt++) {
            putAll(repository, tags, manifest);
            Manifest now = stateManifest(repository, image);
            if (now.digest().equals(manifest.digest()) || attempt == 3) {
                return new Outcome(image.name(), Decision.REUSE, manifest.digest(), tags,
                        Duration.ofNanos(System.nanoTime() - start), "");
            }
            manifest = now;
        }
    }

    private Manifest stateManifest(Repository repository, PlannedImage image) {
        return registry.manifest(repository, image.state().tag()).orElseThrow(() ->
                new RegistryException(repository.registry(), 404, "MANIFEST_UNKNOWN", image.stateRef()
                        + " disappeared between plan and retag"));
    }

    private void putAll(Repository repository, List<String> tags, Manifest manifest) {
        for (String tag : tags) {
            registry.putManifest(repository, tag, manifest);
        }
    }
}
