package dev.deja.packer.context;

import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The files a run has written out for its builds, by the entry each holds (the same entry object: a walk's, shared by
 * every image placed in it): a later build of the same walk's entries links them instead of copying them again. A
 * monorepo's images over its root each wrote its whole root out (20,000 files, 200 MB: 3.4 s an image). A file is
 * recorded once written whole, its mode and time set: a link shares all three, and nothing writes it again.
 */
public final class WrittenFiles {

    private final Map<ContextEntry, Path> written = new IdentityHashMap<>();
    private final boolean recording;

    private WrittenFiles(boolean recording) {
        this.recording = recording;
    }

    /** Files that later folders link. */
    public static WrittenFiles linked() {
        return new WrittenFiles(true);
    }

    /** No file recorded, none linked: every folder copies its files. */
    public static WrittenFiles none() {
        return new WrittenFiles(false);
    }

    /** Where {@code entry}'s file was written, if it was. */
    synchronized Path find(ContextEntry entry) {
        return written.get(entry);
    }

    synchronized void add(ContextEntry entry, Path file) {
        if (recording) {
            written.putIfAbsent(entry, file);
        }
    }

    /** Forgets the files written below {@code dir}, which is being removed. */
    public synchronized void forget(Path dir) {
        written.values().removeIf(file -> file.startsWith(dir));
    }
}
