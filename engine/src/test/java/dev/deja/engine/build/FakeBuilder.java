package dev.deja.engine.build;

import dev.deja.engine.docker.BuildFailedException;
import dev.deja.engine.docker.ImageBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A builder that succeeds, fails, or waits on demand, per image, and remembers what ran when. A successful build
 * "pushes" its state ref into the fake registry, as buildx --push does.
 */
final class FakeBuilder implements ImageBuilder {

    private final FakeRegistry registry;
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final Map<String, Duration> delays = new ConcurrentHashMap<>();
    private final Map<String, Runnable> onStart = new ConcurrentHashMap<>();
    private final List<String> events = new ArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();

    FakeBuilder(FakeRegistry registry) {
        this.registry = registry;
    }

    FakeBuilder failing(String image, String message) {
        failures.put(image, message);
        return this;
    }

    /** {@code image}'s build waits until {@code gate} opens. */
    FakeBuilder waitingFor(String image, CountDownLatch gate) {
        gates.put(image, gate);
        return this;
    }

    FakeBuilder taking(String image, Duration delay) {
        delays.put(image, delay);
        return this;
    }

    FakeBuilder onStart(String image, Runnable action) {
        onStart.put(image, action);
        return this;
    }

    @Override
    public Result build(Request request, Consumer<String> log) {
        String name = request.image().name();
        int now = running.incrementAndGet();
        mostAtOnce.accumulateAndGet(now, Math::max);
        record("start " + name);
        try {
            onStart.getOrDefault(name, () -> {}).run();
            CountDownLatch gate = gates.get(name);
            if (gate != null && !gate.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " waited 10 s for its gate");
            }
            Duration delay = delays.get(name);
            if (delay != null) {
                Thread.sleep(delay.toMillis());
            }
            log.accept("building " + name);
            if (failures.containsKey(name)) {
                throw new BuildFailedException(name, failures.get(name));
            }
            String ref = request.refs().get(0);
            int colon = ref.lastIndexOf(':');
            var manifest = FakeRegistry.manifest(ref);
            registry.push(ref.substring(0, colon), ref.substring(colon + 1), manifest);
            return new Result(manifest.digest(), Duration.ofMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildFailedException(name, "interrupted");
        } finally {
            record("end " + name);
            running.decrementAndGet();
        }
    }

    private void record(String event) {
        synchronized (events) {
            events.add(event);
        }
    }

    /** "start x" / "end x" in the order they happened. */
    List<String> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    List<String> started() {
        return events().stream()
                .filter(e -> e.startsWith("start "))
                .map(e -> e.substring(6))
                .toList();
    }

    int mostAtOnce() {
        return mostAtOnce.get();
    }
}
