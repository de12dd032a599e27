package dev.deja.packer.state;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

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

    /**
     * What the system says of everything under {@code roots} (repository paths from the project root, {@code ""}
     * the root itself): a key that names every file it tracks there — path, content, type, exec bit, link target —
     * when it vouches for each of them as {@link #blob} does (symlinks included), and the paths there it does not
     * track. Refused, with the reason, when it cannot vouch for one of them or tracks nothing under a root.
     */
    default VouchedTree tree(List<String> roots) {
        return VouchedTree.refused("no version control vouches for the files");
    }

    /**
     * What the system knows lies at and under {@code root} (a repository path from the project root, {@code ""} the
     * root itself), for a walk to take in place of reading every folder there; empty when it cannot say (nothing
     * tracked there, its word cannot be taken here).
     */
    default Optional<Listing> listing(String root) {
        return Optional.empty();
    }

    /**
     * The roots {@link #tree} will be asked about in this run (repository paths from the project root), told once
     * they are known and before the first question, so that the system can look them all up at once.
     */
    default void willAsk(Collection<String> roots) {}

    /** Vouches for nothing (no checkout, or the digest cache is off). */
    static Vouching none() {
        return (source, stamp) -> null;
    }
}
