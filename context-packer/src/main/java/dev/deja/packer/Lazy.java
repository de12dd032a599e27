package dev.deja.packer;

import java.util.function.Supplier;

/**
 * A value computed on the first {@link #get}, once, by whichever thread asks first; later calls from any thread
 * read it without taking a lock (walk threads ask on every file).
 */
public final class Lazy<T> implements Supplier<T> {

    private Supplier<T> compute;
    private volatile T value;

    private Lazy(Supplier<T> compute) {
        this.compute = compute;
    }

    public static <T> Lazy<T> of(Supplier<T> compute) {
        return new Lazy<>(compute);
    }

    /** Whether the value has been computed (without computing it). */
    public boolean known() {
        return value != null;
    }

    @Override
    public T get() {
        T known = value;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (value == null) {
                value = compute.get();
                compute = null;
            }
            return value;
        }
    }
}
