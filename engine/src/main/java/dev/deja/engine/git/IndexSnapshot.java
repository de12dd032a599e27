package dev.deja.engine.git;

import dev.deja.packer.state.FileStamp;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A copy of git's index that a run's git commands read instead of it, and which of its entries are racy.
 *
 * <p>Git trusts an entry's stat data only if the file's mtime is older than the index: an entry of the index's own
 * second is racy (the file may have changed within that second, its size and times the same), and every {@code git
 * status} reads and hashes such files again without writing what it found (deja asks with
 * {@code --no-optional-locks}). A fresh clone's checkout writes thousands of files in the second it writes its index:
 * status spent 0.19 s of CPU hashing 3,100 of them with git's collision-detecting SHA-1, on every run. The copy is
 * written now, so git trusts every entry's stat data as far as it compares it; the entries racy to the index itself
 * are {@link #racyEntries() read from it here}, for deja to check them as git built with nanosecond times does (git's
 * {@code USE_NSEC}, which Debian's git is not built with): an entry whose mtime is older than the index to the
 * nanosecond is trusted if its file's times are still those recorded, to the nanosecond; others are read. Both
 * commands that read the index (its listing and the status) read the same copy: the entries deja checks are the ones
 * git compared.
 */
final class IndexSnapshot implements AutoCloseable {

    /** Git reads its own index, which has no copy (none yet, or it could not be copied): git checks racy files. */
    private static final IndexSnapshot OWN = new IndexSnapshot(null, 0);

    private static final long NANOS = 1_000_000_000L;

    /** The signatures of an index ("DIRC") and of a split index's link extension ("link"). */
    private static final int DIRC = 0x44495243;

    private static final int LINK = 0x6c696e6b;

    /**
     * An entry git would have read again: the how-manieth of the index it is, its path, and the stat data git recorded
     * (32 bits of each field, as the index keeps them; times in nanoseconds).
     */
    record RacyEntry(int ordinal, String path, long mtimeNanos, long ctimeNanos, long size, long inode) {

        /** Whether {@code now} is the stat data recorded, to the nanosecond. */
        boolean unchanged(FileStamp now) {
            return truncated(now.mtimeNanos()) == mtimeNanos
                    && truncated(now.ctimeNanos()) == ctimeNanos
                    && (now.size() & 0xFFFFFFFFL) == size
                    && (now.inode() & 0xFFFFFFFFL) == inode;
        }

        private static long truncated(long nanos) {
            return ((nanos / NANOS) & 0xFFFFFFFFL) * NANOS + nanos % NANOS;
        }
    }

    private final Path copy;
    private final long writtenNanos;

    private IndexSnapshot(Path copy, long writtenNanos) {
        this.copy = copy;
        this.writtenNanos = writtenNanos;
    }

    /** A copy of the index at {@code index}; git's own index when there is none or it cannot be copied. */
    static IndexSnapshot of(Path index) {
        Path copy = null;
        try {
            // The time first: were the index written again between the two, the time is older than the copy's
            // entries, which makes more of them racy, never fewer.
            long written = Files.getLastModifiedTime(index).to(TimeUnit.NANOSECONDS);
            // A name of its own without Files.createTempFile, whose SecureRandom costs a cold JVM tens of ms.
            copy = Path.of(System.getProperty("java.io.tmpdir"))
                    .resolve("deja-git-index-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
            Files.copy(index, copy);
            // Gone when the run is stopped while git reads it (a signal ends the JVM, not the reading thread).
            copy.toFile().deleteOnExit();
            return new IndexSnapshot(copy, written);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            delete(copy);
            return OWN;
        }
    }

    /** The variables that make git read the copy. */
    Map<String, String> environment() {
        return copy == null ? Map.of() : Map.of("GIT_INDEX_FILE", copy.toString());
    }

    /**
     * Whether git built with nanosecond times would read the entry again: its mtime is not older than the index, to
     * the nanosecond.
     */
    boolean racyToTheNanosecond(RacyEntry entry) {
        return entry.mtimeNanos() >= writtenNanos;
    }

    /**
     * The copy's racy entries: those git reads again to trust them, whose mtime is the index's second or later (none
     * without a copy). Empty when that cannot be told here: an index version or object format not known, a split
     * index (whose shared part is elsewhere); git must then be asked of its own index.
     */
    Optional<List<RacyEntry>> racyEntries() {
        if (copy == null) {
            // Git reads its own index, and reads its racy files itself.
            return Optional.of(List.of());
        }
        // Mapped, not read: the page cache holds the copy just written, and 5 MB of new heap would be faulted in.
        try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.READ)) {
            ByteBuffer index = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            for (int idLength : new int[] {20, 32}) {
                Optional<List<RacyEntry>> racy = racyEntries(index, idLength);
                if (racy.isPresent()) {
                    return racy;
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * The racy entries of an index whose object ids have {@code idLength} bytes; empty when its entries and
     * extensions do not end where its checksum starts with that length (the other object format, or not an index
     * known here).
     */
    private Optional<List<RacyEntry>> racyEntries(ByteBuffer index, int idLength) {
        if (index.limit() < 12 + idLength || index.getInt(0) != DIRC) {
            return Optional.empty();
        }
        int version = index.getInt(4);
        if (version < 2 || version > 4) {
            return Optional.empty();
        }
        int entries = index.getInt(8);
        int end = index.limit() - idLength;
        List<RacyEntry> racy = new ArrayList<>();
        // Version 4 spells a path as what it keeps of the previous one and a suffix (longer paths than this: not
        // told here).
        byte[] previous = new byte[Math.min(index.limit(), 64 * 1024)];
        int[] previousLength = {0};
        int at = 12;
        for (int entry = 0; entry < entries; entry++) {
            // A method per entry: the JIT compiles it after a few hundred calls.
            at = entry(index, entry, at, end, idLength, version, racy, previous, previousLength);
            if (at < 0) {
                return Optional.empty();
            }
        }
        // Extensions: a signature and a length each; a split index's link names a shared index not read here.
        while (at + 8 <= end) {
            if (index.getInt(at) == LINK) {
                return Optional.empty();
            }
            long next = at + 8L + (index.getInt(at + 4) & 0xFFFFFFFFL);
            if (next > end) {
                return Optional.empty();
            }
            at = (int) next;
        }
        return at == end ? Optional.of(racy) : Optional.empty();
    }

    /**
     * Reads the entry at {@code at}, adds it to {@code racy} if it is, and returns where the next one starts ({@code
     * -1}: it runs past {@code end} or cannot be read).
     */
    private int entry(
            ByteBuffer index,
            int ordinal,
            int at,
            int end,
            int idLength,
            int version,
            List<RacyEntry> racy,
            byte[] previous,
            int[] previousLength) {
        // ctime, mtime (seconds, nanoseconds), dev, ino, mode, uid, gid, size; the object id; 16 bits of flags
        int flagsAt = at + 40 + idLength;
        if (flagsAt + 2 > end) {
            return -1;
        }
        int flags = index.getShort(flagsAt) & 0xFFFF;
        int nameAt = flagsAt + 2 + (version >= 3 && (flags & 0x4000) != 0 ? 2 : 0);
        boolean isRacy = (index.getInt(at + 8) & 0xFFFFFFFFL) >= writtenNanos / NANOS;
        if (version == 4) {
            // How many bytes to drop from the previous path (git's varint), then the suffix up to a NUL.
            int c = index.get(nameAt++) & 0xFF;
            long drop = c & 0x7F;
            while ((c & 0x80) != 0 && nameAt < end) {
                c = index.get(nameAt++) & 0xFF;
                drop = ((drop + 1) << 7) | (c & 0x7F);
            }
            int nul = nul(index, nameAt, end);
            if (nul < 0 || drop > previousLength[0]) {
                return -1;
            }
            int kept = previousLength[0] - (int) drop;
            int length = kept + nul - nameAt;
            if (length > previous.length) {
                return -1;
            }
            index.get(nameAt, previous, kept, nul - nameAt);
            previousLength[0] = length;
            if (isRacy) {
                racy.add(racyEntry(index, ordinal, at, new String(previous, 0, length, StandardCharsets.UTF_8)));
            }
            return nul + 1;
        }
        int length = flags & 0xFFF;
        if (length == 0xFFF) {
            length = nul(index, nameAt, end) - nameAt;
        }
        if (length < 0 || nameAt + length > end) {
            return -1;
        }
        if (isRacy) {
            byte[] name = new byte[length];
            index.get(nameAt, name);
            racy.add(racyEntry(index, ordinal, at, new String(name, StandardCharsets.UTF_8)));
        }
        // Padded with one to eight NULs to a multiple of eight bytes.
        return at + ((nameAt - at + length + 8) & ~7);
    }

    /** The entry at {@code at}, of {@code path}: ctime, mtime (seconds, nanoseconds), dev, ino, mode, uid, gid, size. */
    private static RacyEntry racyEntry(ByteBuffer index, int ordinal, int at, String path) {
        return new RacyEntry(
                ordinal,
                path,
                unsigned(index, at + 8) * NANOS + unsigned(index, at + 12),
                unsigned(index, at) * NANOS + unsigned(index, at + 4),
                unsigned(index, at + 36),
                unsigned(index, at + 20));
    }

    /** Where the first NUL at or after {@code from} is, before {@code end}; {@code -1} when there is none. */
    private static int nul(ByteBuffer bytes, int from, int end) {
        for (int at = from; at < end; at++) {
            if (bytes.get(at) == 0) {
                return at;
            }
        }
        return -1;
    }

    private static long unsigned(ByteBuffer bytes, int at) {
        return bytes.getInt(at) & 0xFFFFFFFFL;
    }

    @Override
    public void close() {
        delete(copy);
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // A file left in the temp folder: nothing any run reads again.
            }
        }
    }
}
