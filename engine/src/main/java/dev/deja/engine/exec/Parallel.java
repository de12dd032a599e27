package dev.deja.engine.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;

/** Runs tasks on a pool of their own and rethrows what a task threw, as it was thrown. */
public final class Parallel {

    /** How many registry requests or docker CLI calls deja makes at once when nothing else says. */
    public static final int DEFAULT_WIDTH = 8;

    private Parallel() {}

    /** {@code task} applied to every item, at most {@code width} at a time; the results in the items' order. */
    public static <T, R> List<R> map(List<T> items, int width, Function<T, R> task) {
        if (items.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(width, items.size())));
        try {
            List<Future<R>> futures = new ArrayList<>(items.size());
            for (T item : items) {
                futures.add(pool.submit(() -> task.apply(item)));
            }
            List<R> out = new ArrayList<>(items.size());
            for (Future<R> future : futures) {
                out.add(get(future));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Starts {@code task} on a daemon thread of its own (work that overlaps the caller's, such as a TLS set-up
     * while states are hashed); {@link #get} waits for it.
     */
    public static <T> CompletableFuture<T> ahead(String threadName, Supplier<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(
                () -> {
                    try {
                        result.complete(task.get());
                    } catch (RuntimeException | Error e) {
                        result.completeExceptionally(e);
                    }
                },
                threadName);
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /** The task's result; what it threw is rethrown unwrapped. */
    public static <T> T get(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
