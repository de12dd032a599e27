package dev.deja.packer.state;

import java.nio.file.Path;

/**
 * Which files a version control system vouches for: their bytes are a blob it knows (a tracked file it reports
 * clean, that no filter, encoding or line-ending conversion changed on checkout). Everything else (untracked,
 * modified, filtered, in a submodule) is read as usual.
 */
public interface Vouching {

    /**
     * The blob {@code source} holds, if vouched for: of the stamp's size, and not modified (mtime, ctime) since the
     * system checked it; else {@code null}.
     */
    BlobKey blob(Path source, FileStamp stamp);

    /**
     * Whether {@link #blob} answers without waiting (the system's answer is in); asking starts the reading of that
     * answer where it is read lazily.
     */
    default boolean ready() {
        return true;
    }

    /** Vouches for nothing (no checkout, or the digest cache is off). */
    static Vouching none() {
        return (source, stamp) -> null;
    }
}
