package dev.deja.engine.git;

import dev.deja.packer.state.FileStamp;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Git's index entries in its own order (by the paths' bytes), as columns: an entry is a row of them. A fresh clone's
 * 50,000 entries are read straight into these arrays from the index, with no line of text per entry to write and parse
 * back, and no hex id or path string made before one is asked for.
 *
 * <p>A row says what {@code git ls-files --stage -v} says of an entry: its tag ({@code H}, {@code S} for
 * skip-worktree, {@code M} for a conflict's stage, in lower case when assume-valid), its mode, its object id, its
 * stage and its path. {@link #line} writes it as git does.
 */
final class IndexEntries {

    private static final HexFormat HEX = HexFormat.of();
    private static final long NANOS = 1_000_000_000L;

    private final byte[] tags;
    private final int[] modes;
    private final byte[] stages;
    private final int idLength;
    private final byte[] ids;
    /** Row {@code r}'s path is {@code paths[pathStarts[r], pathStarts[r + 1])}. */
    private final int[] pathStarts;

    private byte[] paths;

    /**
     * Each row's stat data as the index keeps it ({@link #STAT_BYTES} a row: ctime, mtime, dev, ino, mode, uid, gid
     * and size, 32 bits each, big-endian); {@code null} for entries git listed, which have none.
     */
    private final byte[] stats;

    /** The bytes of an entry's stat data in the index, before its object id. */
    static final int STAT_BYTES = 40;

    /** Rows to come, filled by {@link #add} in order, without stat data. */
    IndexEntries(int capacity, int idLength, int pathBytes) {
        this(capacity, idLength, pathBytes, false);
    }

    /** Rows to come, filled by {@link #add} in order; {@code withStats}: and by {@link #stat}. */
    IndexEntries(int capacity, int idLength, int pathBytes, boolean withStats) {
        this.stats = withStats ? new byte[capacity * STAT_BYTES] : null;
        this.tags = new byte[capacity];
        this.modes = new int[capacity];
        this.stages = new byte[capacity];
        this.idLength = idLength;
        this.ids = new byte[capacity * idLength];
        this.pathStarts = new int[capacity + 1];
        this.paths = new byte[Math.max(16, pathBytes)];
    }

    private int added;

    /** Adds the next row; {@code id} and {@code path} are read at their offsets, not kept. */
    void add(byte tag, int mode, int stage, byte[] id, int idAt, byte[] path, int pathAt, int pathLength) {
        int row = added++;
        tags[row] = tag;
        modes[row] = mode;
        stages[row] = (byte) stage;
        System.arraycopy(id, idAt, ids, row * idLength, idLength);
        int start = pathStarts[row];
        if (start + pathLength > paths.length) {
            paths = Arrays.copyOf(paths, Math.max(start + pathLength, 2 * paths.length));
        }
        System.arraycopy(path, pathAt, paths, start, pathLength);
        pathStarts[row + 1] = start + pathLength;
    }

    /** Sets the last row's stat data: the index's {@link #STAT_BYTES} at {@code at}. */
    void stat(byte[] data, int at) {
        System.arraycopy(data, at, stats, (added - 1) * STAT_BYTES, STAT_BYTES);
    }

    /** Whether the rows have their stat data (read from the index, not listed by git). */
    boolean hasStats() {
        return stats != null;
    }

    /** Row {@code row}'s stat data as a stamp: 32 bits of each field, as the index keeps them. */
    FileStamp stamp(int row) {
        return stamp(stats, row * STAT_BYTES);
    }

    /** Row {@code row}'s size as the index keeps it: its low 32 bits. */
    long size(int row) {
        return unsigned(stats, row * STAT_BYTES + 36);
    }

    /** The stamp in an index entry's {@link #STAT_BYTES} of stat data at {@code at} of {@code data}. */
    static FileStamp stamp(byte[] data, int at) {
        return new FileStamp(
                unsigned(data, at + 36),
                unsigned(data, at + 8) * NANOS + unsigned(data, at + 12),
                unsigned(data, at) * NANOS + unsigned(data, at + 4),
                unsigned(data, at + 20),
                unsigned(data, at + 16));
    }

    /** The big-endian 32 bits at {@code at}, unsigned: a field of the index. */
    static long unsigned(byte[] data, int at) {
        return ((data[at] & 0xFFL) << 24)
                | ((data[at + 1] & 0xFF) << 16)
                | ((data[at + 2] & 0xFF) << 8)
                | (data[at + 3] & 0xFF);
    }

    /** How many rows there are. */
    int size() {
        return added;
    }

    /**
     * The entries of {@code git ls-files --stage -v -z} output (an index not read here); {@code null} for a line
     * that does not read as one.
     */
    static IndexEntries parse(String listing) {
        byte[] bytes = listing.getBytes(StandardCharsets.UTF_8);
        int lines = 0;
        for (byte b : bytes) {
            lines += b == 0 ? 1 : 0;
        }
        int firstSpace = listing.indexOf(' ', 2);
        int idLength = firstSpace < 0 ? 20 : Math.max(0, (listing.indexOf(' ', firstSpace + 1) - firstSpace - 1) / 2);
        IndexEntries entries = new IndexEntries(lines + 1, idLength, bytes.length);
        for (int start = 0, end; start < bytes.length; start = end + 1) {
            end = start;
            while (end < bytes.length && bytes[end] != 0) {
                end++;
            }
            // <tag> SP <mode> SP <object> SP <stage> TAB <path>
            int modeEnd = start + 8;
            int idEnd = modeEnd + 1 + 2 * idLength;
            int tab = idEnd + 2;
            if (tab >= end
                    || bytes[start + 1] != ' '
                    || bytes[modeEnd] != ' '
                    || bytes[idEnd] != ' '
                    || bytes[tab] != '\t') {
                return null;
            }
            try {
                int mode = Integer.parseInt(new String(bytes, start + 2, 6, StandardCharsets.US_ASCII), 8);
                byte[] id = HEX.parseHex(new String(bytes, modeEnd + 1, 2 * idLength, StandardCharsets.US_ASCII));
                entries.add(bytes[start], mode, bytes[idEnd + 1] - '0', id, 0, bytes, tab + 1, end - tab - 1);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return entries;
    }

    byte tag(int row) {
        return tags[row];
    }

    int mode(int row) {
        return modes[row];
    }

    int stage(int row) {
        return stages[row];
    }

    /** The object id in hex, as git spells it. */
    String id(int row) {
        return HEX.formatHex(ids, row * idLength, (row + 1) * idLength);
    }

    String path(int row) {
        return path(row, 0);
    }

    /** Row {@code row}'s path without its first {@code dropped} bytes. */
    String path(int row, int dropped) {
        return new String(paths, pathStarts[row] + dropped, pathLength(row) - dropped, StandardCharsets.UTF_8);
    }

    int pathLength(int row) {
        return pathStarts[row + 1] - pathStarts[row];
    }

    /** Whether row {@code row}'s path is {@code path}. */
    boolean hasPath(int row, String path) {
        int start = pathStarts[row];
        int length = pathLength(row);
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c >= 0x80) {
                // Not ASCII: compared as the bytes it is.
                byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
                return Arrays.equals(paths, start, start + length, bytes, 0, bytes.length);
            }
            if (i >= length || paths[start + i] != c) {
                return false;
            }
        }
        return length == path.length();
    }

    /** Whether row {@code row}'s path ends with the ASCII {@code suffix}. */
    boolean pathEndsWith(int row, String suffix) {
        int length = pathLength(row);
        if (length < suffix.length()) {
            return false;
        }
        int from = pathStarts[row + 1] - suffix.length();
        for (int i = 0; i < suffix.length(); i++) {
            if (paths[from + i] != suffix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The byte {@code back} bytes before the end of row {@code row}'s path ({@code back} within it). */
    byte pathByteFromEnd(int row, int back) {
        return paths[pathStarts[row + 1] - back];
    }

    /** Adds row {@code row}'s line, as {@code ls-files --stage -v} writes it without its end, to {@code digest}. */
    void line(int row, MessageDigest digest) {
        digest.update(head(row).getBytes(StandardCharsets.US_ASCII));
        digest.update(paths, pathStarts[row], pathLength(row));
    }

    /** {@code <tag> SP <mode> SP <object> SP <stage> TAB}: a line up to its path. */
    private String head(int row) {
        return (char) tags[row] + " " + String.format(Locale.ROOT, "%06o", modes[row]) + " " + id(row) + " "
                + stages[row] + "\t";
    }

    /** Every line as {@code git ls-files --stage -v -z} writes them, each ended by a NUL. */
    String listing() {
        StringBuilder out = new StringBuilder();
        for (int row = 0; row < added; row++) {
            out.append(head(row)).append(path(row)).append('\0');
        }
        return out.toString();
    }
}
