package dev.deja.packer.state;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the file system says about a file without reading it: enough to tell, like git's index, that its
 * content cannot have changed since it was last hashed.
 */
public record FileStamp(long size, long mtimeNanos, long ctimeNanos, long inode, long device) {

    /** The stamp in attributes read with {@link Lstat#ATTRIBUTES}. */
    public static FileStamp of(Map<String, Object> attributes) {
        return new FileStamp(
                (Long) attributes.get("size"),
                nanos(attributes.get("lastModifiedTime")),
                nanos(attributes.get("ctime")),
                (Long) attributes.get("ino"),
                (Long) attributes.get("dev"));
    }

    /** The stamp of {@code file} now (not following a symlink). */
    public static FileStamp read(Path file) throws IOException {
        return Lstat.of(file).stamp();
    }

    /**
     * Whether this stamp (a file's now) is the one an index that keeps 32 bits of each field (git's) recorded: the
     * same times to the nanosecond, and the same low 32 bits of the size and inode. The device is not compared (git
     * does not by default).
     */
    public boolean isAsRecorded(FileStamp recorded) {
        return truncated(mtimeNanos) == recorded.mtimeNanos
                && truncated(ctimeNanos) == recorded.ctimeNanos
                && (size & 0xFFFFFFFFL) == recorded.size
                && (inode & 0xFFFFFFFFL) == recorded.inode;
    }

    /** Nanoseconds since the epoch whose seconds are kept in 32 bits, as git's index keeps them. */
    private static long truncated(long nanos) {
        return ((nanos / 1_000_000_000L) & 0xFFFFFFFFL) * 1_000_000_000L + nanos % 1_000_000_000L;
    }

    // Written out: a record's own equals and hashCode are linked on their first call (method handles spun), which costs
    // a cold JVM tens of ms of CPU, and they run through those handles on every one of a walk's 50,000 lookups.
    @Override
    public boolean equals(Object other) {
        return other instanceof FileStamp that
                && size == that.size
                && mtimeNanos == that.mtimeNanos
                && ctimeNanos == that.ctimeNanos
                && inode == that.inode
                && device == that.device;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(size) * 31 * 31 * 31 * 31
                + Long.hashCode(mtimeNanos) * 31 * 31 * 31
                + Long.hashCode(ctimeNanos) * 31 * 31
                + Long.hashCode(inode) * 31
                + Long.hashCode(device);
    }

    private static long nanos(Object fileTime) {
        return ((FileTime) fileTime).to(TimeUnit.NANOSECONDS);
    }
}
