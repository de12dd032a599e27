package dev.deja.engine.exec;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * How a run is stopped (Ctrl-C, SIGTERM): no new build starts, every running builder process tree is stopped,
 * and a write that must be all-or-nothing (the moving tags) either finishes before the run stops or never starts.
 */
public final class Cancellation {

    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    private final Object critical = new Object();
    private volatile boolean cancelled;

    /** A run nobody will stop from outside (tests, in-process callers). */
    public static Cancellation never() {
        return new Cancellation();
    }

    public boolean cancelled() {
        return cancelled;
    }

    /** Tracks a started builder; stops it at once when the run is already cancelled. */
    public void started(Process process) {
        running.add(process);
        if (cancelled) {
            stop(process);
        }
    }

    public void finished(Process process) {
        running.remove(process);
    }

    /**
     * Stops the run: marks it cancelled, stops every running builder (with its children: the docker CLI runs
     * buildx as a plugin process), and waits for a critical section in progress to end.
     *
     * @return how many builders were stopped
     */
    public int cancel() {
        cancelled = true;
        int stopped = 0;
        for (Process process : Set.copyOf(running)) {
            stop(process);
            stopped++;
        }
        synchronized (critical) {
            return stopped;
        }
    }

    /**
     * Runs {@code write} unless the run is cancelled; once started it finishes before {@link #cancel} returns.
     *
     * @return the write's result, or {@code null} when the run was cancelled first
     */
    public <T> T unlessCancelled(Supplier<T> write) {
        synchronized (critical) {
            return cancelled ? null : write.get();
        }
    }

    private static void stop(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
    }
}
