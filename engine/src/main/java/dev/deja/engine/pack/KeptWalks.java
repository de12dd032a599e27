package dev.deja.engine.pack;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many walked context entries a run keeps for its images (their builds and explanations ask for them again):
 * keeping a walk of every image's context (30 images of a 50,000-file root, before they shared one walk: some 25 MB
 * each) exhausted deja's 288 MB heap. Past the limit a walk serves its state and is dropped; asked again, the context
 * is walked again. The first walk is always kept, however large: a run of one image never walks twice.
 */
final class KeptWalks {

    /** Two walks of 50,000 files, about 45 MB of entries, paths and digests: a sixth of deja's heap. */
    static final long DEFAULT_LIMIT = 100_000;

    private final long limit;
    private final AtomicLong kept = new AtomicLong();

    KeptWalks(long limit) {
        this.limit = limit;
    }

    /** Whether a walk of {@code entries} entries may still be kept. */
    boolean hasRoom() {
        return kept.get() < limit;
    }

    /** Counts a walk of {@code entries} entries as kept, if there is room for it (or none is kept yet). */
    boolean take(int entries) {
        long now;
        do {
            now = kept.get();
            if (now > 0 && now + entries > limit) {
                return false;
            }
        } while (!kept.compareAndSet(now, now + entries));
        return true;
    }
}
