package dev.deja.engine.git;

import dev.deja.packer.state.FileStamp;
import dev.deja.packer.state.Lstat;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
 * dated a second from now, so git trusts every entry's stat data as far as it compares it; the entries racy to the
 * index itself are {@link #entries() read from it here} (with every entry, as {@code git ls-files --stage} lists
 * them: no process and no 4 MB through a pipe), for deja to check them as git built with nanosecond times does (git's
 * {@code USE_NSEC}, which Debian's git is not built with): an entry whose mtime is older than the index to the
 * nanosecond is trusted if its file's times are still those recorded, to the nanosecond; others are read. Both
 * commands that read the index (its listing and the status) read the same copy: the entries deja checks are the ones
 * git compared. The status that decides git's tags ({@link Uncommitted}) asks about a copy too, and takes its answer
 * only when every racy entry is {@link #trustedByItsTimes trusted by its times}.
 */
final class IndexSnapshot implements AutoCloseable {

    /** Git reads its own index, which has no copy (none yet, or it could not be copied): git checks racy files. */
    private static final IndexSnapshot OWN = new IndexSnapshot(null, 0);

    private static final long NANOS = 1_000_000_000L;

    /**
     * The signatures of an index ("DIRC"), of a split index's link extension ("link") and of a sparse index's
     * ("sdir").
     */
    private static final int DIRC = 0x44495243;

    private static final int LINK = 0x6c696e6b;

    private static final int SDIR = 0x73646972;

    /**
     * An entry git would have read again: its place among the index's entries (0 for the first), its path, and the
     * stat data git recorded (32 bits of each field, as the index keeps them).
     */
    record RacyEntry(int ordinal, String path, FileStamp recorded) {

        /** Whether {@code now} is the stat data recorded, to the nanosecond. */
        boolean unchanged(FileStamp now) {
            return now.isAsRecorded(recorded);
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
            // Dated a second ahead: git would read again every file of the second it reads a copy dated now, and each
            // of those is racy to the index itself too, which deja checks (a miss built right after a commit: git
            // hashed its 32 MB file twice).
            Files.setLastModifiedTime(copy, FileTime.from(Instant.now().getEpochSecond() + 1, TimeUnit.SECONDS));
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
        return entry.recorded().mtimeNanos() >= writtenNanos;
    }

    /**
     * Whether git built with nanosecond times trusts the racy entry without reading its file: the entry is older
     * than the index to the nanosecond, and the file at {@code top} (the checkout's) has the times, size and inode it
     * recorded, to the nanosecond.
     */
    boolean trustedByItsTimes(Path top, RacyEntry entry) {
        if (racyToTheNanosecond(entry)) {
            return false;
        }
        try {
            return entry.unchanged(Lstat.of(top.resolve(entry.path())).stamp());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * What the copy holds, read here in one pass: its entries (what {@code git ls-files --stage -v} lists of them),
     * and its racy entries (those git reads again to trust them, whose mtime is the index's second or later).
     */
    record Entries(IndexEntries entries, List<RacyEntry> racy) {

        /** The entries as {@code git ls-files --stage -v -z} lists them. */
        String listing() {
            return entries.listing();
        }
    }

    /** Whether git reads a copy (else its own index, whose racy files it reads itself). */
    boolean copied() {
        return copy != null;
    }

    /**
     * The copy's entries; empty without a copy, or when they cannot be read here (an index version, object format or
     * extension not known here: a split index, whose shared part is elsewhere, a sparse one, whose folders git
     * lists file by file): git must then list them, and check the racy ones of its own index.
     */
    Optional<Entries> entries() {
        return read(true);
    }

    /**
     * The copy's racy entries alone (not the others); empty when they cannot be read here, as for {@link #entries()}.
     */
    Optional<List<RacyEntry>> racyEntries() {
        return read(false).map(Entries::racy);
    }

    private Optional<Entries> read(boolean lists) {
        if (copy == null) {
            return Optional.empty();
        }
        // Mapped and copied out in one call: the page cache holds the copy just written, and a read into the heap
        // goes through a direct buffer as large as the file. Parsed where it was copied to: a mapped buffer's
        // accessors, two bulk gets per entry, cost 14 ms of a cold JVM's CPU for 50,000 entries.
        try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.READ)) {
            byte[] index = new byte[Math.toIntExact(channel.size())];
            channel.map(FileChannel.MapMode.READ_ONLY, 0, index.length).get(index);
            for (int idLength : new int[] {20, 32}) {
                Optional<Entries> entries = new Reader(index, idLength, writtenNanos / NANOS, lists).read();
                if (entries.isPresent()) {
                    return entries;
                }
            }
        } catch (IOException | ArithmeticException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** One pass over an index whose object ids have {@code idLength} bytes. */
    private static final class Reader {
        private final byte[] index;
        private final int idLength;
        private final long writtenSecond;
        private final int end;
        /** Whether it keeps every entry (else it only finds the racy ones). */
        private final boolean lists;

        private final List<RacyEntry> racy = new ArrayList<>();
        private IndexEntries entries;

        /**
         * Where the entry being read has its path: in {@link #index} itself (versions 2 and 3), or in {@link
         * #prefixed} (version 4 spells a path as what it keeps of the previous one and a suffix).
         */
        private byte[] path;

        private int pathAt;
        private int pathLength;
        private byte[] prefixed = new byte[256];

        Reader(byte[] index, int idLength, long writtenSecond, boolean lists) {
            this.index = index;
            this.idLength = idLength;
            this.writtenSecond = writtenSecond;
            this.end = index.length - idLength;
            this.lists = lists;
        }

        /**
         * The entries; empty when they and the extensions do not end where the checksum starts (the other object
         * format, or not an index known here).
         */
        Optional<Entries> read() {
            if (index.length < 12 + idLength || (int) IndexEntries.unsigned(index, 0) != DIRC) {
                return Optional.empty();
            }
            long version = IndexEntries.unsigned(index, 4);
            if (version < 2 || version > 4) {
                return Optional.empty();
            }
            long count = IndexEntries.unsigned(index, 8);
            if (count > index.length / 62) {
                return Optional.empty();
            }
            if (lists) {
                // Each entry has 62 bytes and more besides its path (less in version 4, whose paths share prefixes:
                // the paths' array grows then).
                entries = new IndexEntries((int) count, idLength, index.length - 62 * (int) count, true);
            }
            int at = 12;
            for (int entry = 0; entry < count && at >= 0; entry++) {
                // A method per entry: the JIT compiles it after a few hundred calls.
                at = entry(entry, at, (int) version);
            }
            if (at < 0) {
                return Optional.empty();
            }
            // Extensions: a signature and a length each.
            while (at + 8 <= end) {
                int signature = (int) IndexEntries.unsigned(index, at);
                if (signature == LINK || signature == SDIR) {
                    return Optional.empty();
                }
                long next = at + 8L + IndexEntries.unsigned(index, at + 4);
                if (next > end) {
                    return Optional.empty();
                }
                at = (int) next;
            }
            return at == end ? Optional.of(new Entries(entries, racy)) : Optional.empty();
        }

        /**
         * Lists the entry at {@code at}, adds it to the racy ones if it is, and returns where the next one starts
         * ({@code -1}: it runs past the entries' end or cannot be read).
         */
        private int entry(int ordinal, int at, int version) {
            // ctime, mtime (seconds, nanoseconds), dev, ino, mode, uid, gid, size; the object id; 16 bits of flags
            // (assume-valid, extended, stage, the path's length), 16 more if extended (skip-worktree, intent-to-add).
            int flagsAt = at + 40 + idLength;
            if (flagsAt + 4 > end) {
                return -1;
            }
            int flags = unsignedShort(index, flagsAt);
            boolean extended = version >= 3 && (flags & 0x4000) != 0;
            int moreFlags = extended ? unsignedShort(index, flagsAt + 2) : 0;
            int nameAt = flagsAt + (extended ? 4 : 2);
            int next;
            if (version == 4) {
                // How many bytes to drop from the previous path (git's varint), then the suffix up to a NUL.
                int c = index[nameAt++] & 0xFF;
                long drop = c & 0x7F;
                while ((c & 0x80) != 0 && nameAt < end) {
                    c = index[nameAt++] & 0xFF;
                    drop = ((drop + 1) << 7) | (c & 0x7F);
                }
                int nul = nul(nameAt);
                if (nul < 0 || drop > pathLength) {
                    return -1;
                }
                int kept = pathLength - (int) drop;
                int length = kept + nul - nameAt;
                if (length > prefixed.length) {
                    prefixed = Arrays.copyOf(prefixed, Math.max(length, 2 * prefixed.length));
                }
                System.arraycopy(index, nameAt, prefixed, kept, nul - nameAt);
                path = prefixed;
                pathAt = 0;
                pathLength = length;
                next = nul + 1;
            } else {
                int length = flags & 0xFFF;
                if (length == 0xFFF) {
                    length = nul(nameAt) - nameAt;
                }
                if (length < 0 || nameAt + length > end) {
                    return -1;
                }
                path = index;
                pathAt = nameAt;
                pathLength = length;
                // Padded with one to eight NULs to a multiple of eight bytes.
                next = at + ((nameAt - at + length + 8) & ~7);
            }
            if (lists) {
                int stage = (flags >> 12) & 3;
                byte tag = (byte) (stage != 0 ? 'M' : (moreFlags & 0x4000) != 0 ? 'S' : 'H');
                entries.add(
                        (flags & 0x8000) != 0 ? (byte) (tag + ('a' - 'A')) : tag,
                        (int) IndexEntries.unsigned(index, at + 24),
                        stage,
                        index,
                        at + 40,
                        path,
                        pathAt,
                        pathLength);
                entries.stat(index, at);
            }
            if (IndexEntries.unsigned(index, at + 8) >= writtenSecond) {
                racy.add(racyEntry(ordinal, at));
            }
            return next;
        }

        /** The entry just read, the {@code ordinal}th, at {@code at}. */
        private RacyEntry racyEntry(int ordinal, int at) {
            return new RacyEntry(
                    ordinal,
                    new String(path, pathAt, pathLength, StandardCharsets.UTF_8),
                    IndexEntries.stamp(index, at));
        }

        /** Where the first NUL at or after {@code from} is, before the entries' end; {@code -1} when there is none. */
        private int nul(int from) {
            for (int at = from; at < end; at++) {
                if (index[at] == 0) {
                    return at;
                }
            }
            return -1;
        }
    }

    private static int unsignedShort(byte[] bytes, int at) {
        return ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
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
