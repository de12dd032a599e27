package dev.deja.engine.build;

import dev.deja.engine.exec.Cancellation;
import dev.deja.engine.exec.Parallel;
import dev.deja.engine.plan.Decision;
import dev.deja.engine.plan.Manifests;
import dev.deja.engine.plan.Plan;
import dev.deja.engine.plan.PlannedImage;
import dev.deja.registry.Manifest;
import dev.deja.registry.RegistryException;
import dev.deja.registry.Repository;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reuse half of {@code build}: every image whose state exists gets its commit, branch and extra tags by a raw
 * manifest PUT in the registry (same digest, no layer moves). Moving tags are written only when every image of the
 * run succeeded, all of them or none.
 */
public final class Promoter {

    /**
     * What happened to one image.
     *
     * @param tags   the tags written (state tag excluded)
     * @param reason why nothing was done, for images not reused
     */
    public record Retag(
            String name, Decision decision, String digest, List<String> tags, Duration duration, String reason) {
        public Retag {
            tags = List.copyOf(tags);
        }
    }

    /** The retags in plan order, and whether the moving tags were written. */
    public record Result(List<Retag> images, boolean movingTagsWritten) {
        public Result {
            images = List.copyOf(images);
        }
    }

    private final Manifests registry;
    private final Cancellation cancellation;

    /** @param cancellation a stopped run writes no moving tag, and one that started writing them finishes */
    public Promoter(Manifests registry, Cancellation cancellation) {
        this.registry = registry;
        this.cancellation = cancellation;
    }

    /**
     * Retags every reused image with the fixed tags, and with the moving tags when {@code runSucceeded} (every
     * image of the run was reused, built or exported).
     */
    public Result promote(Plan plan, ImageTags tags, boolean runSucceeded) {
        if (cancellation.cancelled()) {
            // Stopped (Ctrl-C, SIGTERM): the run winds down to remove what it wrote, and tags nothing more.
            return new Result(
                    plan.images().stream()
                            .map(image -> new Retag(
                                    image.name(),
                                    image.decision(),
                                    "",
                                    List.of(),
                                    Duration.ZERO,
                                    "interrupted before its tags were written"))
                            .toList(),
                    false);
        }
        // What the state tag of each just-built image held when its tags were last checked against it.
        Map<String, Manifest> checked = new ConcurrentHashMap<>();
        List<Retag> outcomes = Parallel.map(
                plan.images(),
                Parallel.DEFAULT_WIDTH,
                image -> image.decision() == Decision.REUSE
                        ? retag(plan, image, tags.fixed(image), checked)
                        : notReused(image));
        if (!runSucceeded
                || plan.images().stream().allMatch(image -> tags.moving(image).isEmpty())) {
            return new Result(outcomes, false);
        }
        List<Retag> withMoving = cancellation.unlessCancelled(() -> writeMoving(plan, tags, outcomes, checked));
        return withMoving == null ? new Result(outcomes, false) : new Result(withMoving, true);
    }

    private static Retag notReused(PlannedImage image) {
        return new Retag(
                image.name(),
                image.decision(),
                "",
                List.of(),
                Duration.ZERO,
                image.decision() == Decision.EXPORT
                        ? "builder image: its files are exported by a build, not reused"
                        : "state " + image.stateTag() + " is not in the registry: needs a build");
    }

    private List<Retag> writeMoving(Plan plan, ImageTags tags, List<Retag> fixed, Map<String, Manifest> checked) {
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < fixed.size(); i++) {
            indexes.add(i);
        }
        return Parallel.map(indexes, Parallel.DEFAULT_WIDTH, i -> {
            Retag done = fixed.get(i);
            if (done.decision() != Decision.REUSE) {
                return done;
            }
            Retag more =
                    retag(plan, plan.images().get(i), tags.moving(plan.images().get(i)), checked);
            List<String> all = new ArrayList<>(done.tags());
            all.addAll(more.tags());
            return new Retag(
                    done.name(),
                    done.decision(),
                    done.digest(),
                    all,
                    done.duration().plus(more.duration()),
                    "");
        });
    }

    private Retag retag(Plan plan, PlannedImage image, List<String> tags, Map<String, Manifest> checked) {
        long start = System.nanoTime();
        Manifest tagged = plan.manifest(image.name()).isPresent()
                ? putFetched(image, tags, plan.manifest(image.name()).get())
                : putJustBuilt(image, tags, checked);
        return new Retag(
                image.name(), Decision.REUSE, tagged.digest(), tags, Duration.ofNanos(System.nanoTime() - start), "");
    }

    private Manifest putFetched(PlannedImage image, List<String> tags, Manifest manifest) {
        putAll(image, tags, manifest);
        return manifest;
    }

    /**
     * Just built: another run building the same state may push it again at any moment. Tag what the state tag
     * holds now and check afterwards that it still does, so every tag ends on the state tag's last image.
     */
    private Manifest putJustBuilt(PlannedImage image, List<String> tags, Map<String, Manifest> checked) {
        // The moving tags start from what the state tag held when the fixed ones were checked.
        Manifest manifest = checked.containsKey(image.name()) ? checked.get(image.name()) : stateManifest(image);
        for (int attempt = 1; ; attempt++) {
            putAll(image, tags, manifest);
            Manifest now = stateManifest(image);
            if (now.digest().equals(manifest.digest()) || attempt == 3) {
                checked.put(image.name(), manifest);
                return manifest;
            }
            manifest = now;
        }
    }

    private Manifest stateManifest(PlannedImage image) {
        return registry.manifest(image.repository(), image.stateTag())
                .orElseThrow(() -> new RegistryException(
                        Repository.parse(image.repository()).registry(),
                        404,
                        "MANIFEST_UNKNOWN",
                        image.stateRef() + " disappeared between plan and retag"));
    }

    private void putAll(PlannedImage image, List<String> tags, Manifest manifest) {
        for (String tag : tags) {
            registry.put(image.repository(), tag, manifest);
        }
    }
}
