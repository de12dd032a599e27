package dev.deja.engine.build;

import dev.deja.engine.docker.DockerDaemon;
import dev.deja.engine.exec.Parallel;
import dev.deja.engine.plan.Decision;
import dev.deja.engine.plan.Plan;
import java.time.Duration;
import java.util.List;

/**
 * Warms a developer's daemon: every image whose state is in the registry is pulled as {@code <repo>:<state tag>}
 * and tagged {@code <name>:latest}, so local builds and runs find what CI built.
 */
public final class Puller {

    /** @param localTag the tag given in the local store ("" when the image was not pulled) */
    public record Pulled(String name, String ref, String localTag, Duration duration, String reason) {}

    private final DockerDaemon daemon;
    private final int jobs;

    public Puller(DockerDaemon daemon, int jobs) {
        this.daemon = daemon;
        this.jobs = jobs;
    }

    public List<Pulled> pull(Plan plan) {
        return Parallel.map(plan.images(), jobs, image -> {
            if (image.decision() != Decision.REUSE) {
                return new Pulled(
                        image.name(),
                        image.stateRef(),
                        "",
                        Duration.ZERO,
                        image.decision() == Decision.EXPORT
                                ? "builder image: nothing to pull"
                                : "state not in the registry: build it (deja build --load)");
            }
            long start = System.nanoTime();
            daemon.pull(image.stateRef());
            String local = image.name() + ":latest";
            daemon.tag(image.stateRef(), local);
            return new Pulled(image.name(), image.stateRef(), local, Duration.ofNanos(System.nanoTime() - start), "");
        });
    }
}
