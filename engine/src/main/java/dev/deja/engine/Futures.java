package dev.deja.engine;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waits for a task and rethrows what it threw as it was thrown. */
public final class Futures {

    private Futures() {
    }

    /** Every result, in order. */
    public static <T> java.util.List<T> getAll(java.util.List<Future<T>> futures) {
        java.util.List<T> out = new java.util.ArrayList<>(futures.size());
        for (Future<T> future : futures) {
            out.add(get(future));
        }
        return out;
    }

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
