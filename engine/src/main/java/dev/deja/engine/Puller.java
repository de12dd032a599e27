package dev.deja.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Warms a developer's daemon: every image whose state is in the registry is pulled as {@code <repo>:<state tag>}
 * and tagged {@code <name>:latest}, so local builds and runs find what CI built.
 */
public final class Puller {

    /** @param localTag the tag given in the local store ("" when the image was not pulled) */
    public record Pulled(String name, String ref, String localTag, Duration duration, String reason) {
    }

    private final DockerDaemon daemon;

    public Puller(DockerDaemon daemon) {
        this.daemon = daemon;
    }

    public List<Pulled> pull(Plan plan, int jobs) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs));
        try {
            List<Future<Pulled>> futures = new ArrayList<>();
            for (PlannedImage image : plan.images()) {
                futures.add(pool.submit(() -> {
                    if (image.decision() != Decision.REUSE) {
                        return new Pulled(image.name(), image.stateRef(), "", Duration.ZERO,
                                image.decision() == Decision.EXPORT ? "builder image: nothing to pull"
                                        : "state not in the registry: build it (deja build --load)");
                    }
                    long start = System.nanoTime();
                    daemon.pull(image.stateRef());
                    String local = image.name() + ":latest";
                    daemon.tag(image.stateRef(), local);
                    return new Pulled(image.name(), image.stateRef(), local,
                            Duration.ofNanos(System.nanoTime() - start), "");
                }));
            }
            return Futures.getAll(futures);
        } finally {
            pool.shutdownNow();
        }
    }
}
