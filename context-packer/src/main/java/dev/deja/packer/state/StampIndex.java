package dev.deja.packer.state;

import java.nio.ByteBuffer;

/**
 * The stamp entries of a loaded cache file, looked up where they lie in its bytes: an open-addressing table of
 * offsets, no object per entry (a warm run of 50,000 files would otherwise keep 50,000 strings, stamps and
 * digests alive for the collector to copy). Only ASCII paths are indexed (their hash is {@link String#hashCode}
 * over the bytes); the rest is handed back at load, to be kept as objects.
 *
 * <p>Entry layout: int path length, the path's UTF-8 bytes, size, mtime, ctime, inode, device (longs), the 32-byte
 * digest.
 */
final class StampIndex {

    private static final int FIXED = 5 * Long.BYTES + 32;

    private final byte[] content;
    /** Entry offset + 1 per slot, 0 when empty. */
    private final int[] slots;

    private final int size;
    /** The offsets of the entries not indexed (their path is not ASCII), ascending. */
    private final int[] unindexed;

    private StampIndex(byte[] content, int[] slots, int size, int[] unindexed) {
        this.content = content;
        this.slots = slots;
        this.size = size;
        this.unindexed = unindexed;
    }

    static StampIndex empty() {
        return new StampIndex(new byte[0], new int[1], 0, new int[0]);
    }

    /**
     * Indexes {@code count} entries starting at {@code in}'s position and moves it past them; entries whose path is
     * not ASCII go to {@code others} (offset of the entry) instead.
     */
    static StampIndex read(byte[] content, ByteBuffer in, int count, java.util.function.IntConsumer others) {
        int capacity = Integer.highestOneBit(Math.max(4, count * 2 - 1)) << 1;
        int[] slots = new int[capacity];
        int indexed = 0;
        java.util.stream.IntStream.Builder unindexed = java.util.stream.IntStream.builder();
        for (int i = 0; i < count; i++) {
            int offset = in.position();
            int length = in.getInt();
            if (length < 0 || length > in.remaining() - FIXED) {
                throw new IllegalArgumentException("a path of " + length + " bytes at " + offset);
            }
            int start = in.position();
            int hash = 0;
            boolean ascii = true;
            for (int b = start; b < start + length; b++) {
                byte value = content[b];
                ascii &= value >= 0;
                hash = 31 * hash + value;
            }
            in.position(start + length + FIXED);
            if (!ascii) {
                others.accept(offset);
                unindexed.add(offset);
                continue;
            }
            int slot = hash & (capacity - 1);
            while (slots[slot] != 0) {
                slot = (slot + 1) & (capacity - 1);
            }
            slots[slot] = offset + 1;
            indexed++;
        }
        return new StampIndex(content, slots, indexed, unindexed.build().toArray());
    }

    /** Moves {@code in} past {@code count} entries, checking that each lies within it, as {@link #read} does. */
    static void skip(ByteBuffer in, int count) {
        for (int i = 0; i < count; i++) {
            int offset = in.position();
            int length = in.getInt();
            if (length < 0 || length > in.remaining() - FIXED) {
                throw new IllegalArgumentException("a path of " + length + " bytes at " + offset);
            }
            in.position(in.position() + length + FIXED);
        }
    }

    /** The entry at {@code offset}: its path (decoded), stamp and digest. */
    static Entry entry(byte[] content, int offset) {
        ByteBuffer at = ByteBuffer.wrap(content, offset, content.length - offset);
        int length = at.getInt();
        String path = new String(content, offset + Integer.BYTES, length, java.nio.charset.StandardCharsets.UTF_8);
        at.position(offset + Integer.BYTES + length);
        FileStamp stamp = new FileStamp(at.getLong(), at.getLong(), at.getLong(), at.getLong(), at.getLong());
        byte[] digest = new byte[32];
        at.get(digest);
        return new Entry(path, stamp, digest);
    }

    record Entry(String path, FileStamp stamp, byte[] digest) {}

    /** The digest recorded for {@code path} with exactly this stamp, or {@code null}. */
    byte[] lookup(String path, FileStamp stamp) {
        int offset = find(path);
        if (offset < 0) {
            return null;
        }
        int at = offset + Integer.BYTES + path.length();
        if (BigEndian.longAt(content, at) != stamp.size()
                || BigEndian.longAt(content, at + 8) != stamp.mtimeNanos()
                || BigEndian.longAt(content, at + 16) != stamp.ctimeNanos()
                || BigEndian.longAt(content, at + 24) != stamp.inode()
                || BigEndian.longAt(content, at + 32) != stamp.device()) {
            return null;
        }
        return java.util.Arrays.copyOfRange(content, at + 40, at + 40 + 32);
    }

    /** The offset of {@code path}'s entry, or -1. */
    private int find(String path) {
        int mask = slots.length - 1;
        for (int slot = path.hashCode() & mask; slots[slot] != 0; slot = (slot + 1) & mask) {
            int offset = slots[slot] - 1;
            if (sameAscii(path, offset)) {
                return offset;
            }
        }
        return -1;
    }

    private boolean sameAscii(String path, int offset) {
        int length = BigEndian.intAt(content, offset);
        if (length != path.length()) {
            return false;
        }
        int start = offset + Integer.BYTES;
        for (int i = 0; i < length; i++) {
            if (path.charAt(i) != content[start + i]) {
                return false;
            }
        }
        return true;
    }

    boolean contains(String path) {
        return find(path) >= 0;
    }

    /**
     * The offsets of the entries this run's records replace when the file is written again, ascending: those of
     * {@code paths} this index holds, and every entry it did not index (a path not ASCII, which its making handed to
     * the run's records).
     */
    int[] replacedBy(java.util.Collection<String> paths) {
        return java.util.stream.IntStream.concat(
                        paths.stream().mapToInt(this::find).filter(offset -> offset >= 0),
                        java.util.Arrays.stream(unindexed))
                .sorted()
                .toArray();
    }

    /**
     * The offsets of the entries whose path is one of {@code paths}, ascending, in the entries of {@code content} from
     * {@code from} to {@code to}: for a few paths, found without indexing the entries (their paths compared from the
     * end, where paths differ, and only at the same length).
     */
    static int[] offsetsIn(byte[] content, int from, int to, java.util.Collection<String> paths) {
        byte[][] wanted = paths.stream()
                .map(path -> path.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toArray(byte[][]::new);
        java.util.stream.IntStream.Builder found = java.util.stream.IntStream.builder();
        for (int at = from; at < to; at += entryLength(content, at)) {
            int length = BigEndian.intAt(content, at);
            for (byte[] path : wanted) {
                if (path.length == length && endsWith(content, at + Integer.BYTES + length, path)) {
                    found.add(at);
                    break;
                }
            }
        }
        return found.build().toArray();
    }

    /** Whether the bytes of {@code content} up to {@code end} are {@code path}'s, compared from the end. */
    private static boolean endsWith(byte[] content, int end, byte[] path) {
        for (int i = path.length - 1, at = end - 1; i >= 0; i--, at--) {
            if (content[at] != path[i]) {
                return false;
            }
        }
        return true;
    }

    /** The length of the entry at {@code offset} of {@code content}. */
    static int entryLength(byte[] content, int offset) {
        return Integer.BYTES + BigEndian.intAt(content, offset) + FIXED;
    }

    int size() {
        return size;
    }
}
