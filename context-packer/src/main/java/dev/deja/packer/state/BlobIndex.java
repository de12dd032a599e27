package dev.deja.packer.state;

import java.nio.ByteBuffer;

/**
 * The blob entries of a loaded cache file, looked up where they lie in its bytes, as {@link StampIndex} looks up its
 * stamps: an open-addressing table of offsets, hashed by the blob id's first bytes (a hash already). Made as the file
 * is checked, with no object per entry: a walk of 50,000 files whose blobs were parsed into a map spent 70 ms of a
 * cold JVM's CPU on it before its first lookup.
 *
 * <p>Entry layout: the id's length (one byte), the id, size (long), git's mode (int), the 32-byte digest.
 */
final class BlobIndex {

    private static final int FIXED = Long.BYTES + Integer.BYTES + 32;

    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    private final byte[] content;
    /** Entry offset + 1 per slot, 0 when empty. */
    private final int[] slots;

    private final int size;

    private BlobIndex(byte[] content, int[] slots, int size) {
        this.content = content;
        this.slots = slots;
        this.size = size;
    }

    static BlobIndex empty() {
        return new BlobIndex(new byte[0], new int[1], 0);
    }

    /** Indexes {@code count} entries starting at {@code in}'s position and moves it past them. */
    static BlobIndex read(byte[] content, ByteBuffer in, int count) {
        int capacity = Integer.highestOneBit(Math.max(4, count * 2 - 1)) << 1;
        int[] slots = new int[capacity];
        for (int i = 0; i < count; i++) {
            int offset = in.position();
            int length = Byte.toUnsignedInt(in.get());
            if (length < 4 || length > in.remaining() - FIXED) {
                throw new IllegalArgumentException("a blob id of " + length + " bytes at " + offset);
            }
            in.position(offset + 1 + length + FIXED);
            int slot = BigEndian.intAt(content, offset + 1) & (capacity - 1);
            while (slots[slot] != 0) {
                slot = (slot + 1) & (capacity - 1);
            }
            slots[slot] = offset + 1;
        }
        return new BlobIndex(content, slots, count);
    }

    /** The digest recorded for {@code blob}, or {@code null}. */
    byte[] lookup(BlobKey blob) {
        int offset = find(blob);
        if (offset < 0) {
            return null;
        }
        int at = offset + 1 + content[offset] + Long.BYTES + Integer.BYTES;
        return java.util.Arrays.copyOfRange(content, at, at + 32);
    }

    boolean contains(BlobKey blob) {
        return find(blob) >= 0;
    }

    /** The offset of {@code blob}'s entry, or -1. */
    private int find(BlobKey blob) {
        String id = blob.id();
        if (id.length() < 8 || id.length() % 2 != 0) {
            return -1;
        }
        int hash = 0;
        for (int i = 0; i < 8; i++) {
            int digit = nibble(id.charAt(i));
            if (digit < 0) {
                return -1;
            }
            hash = hash << 4 | digit;
        }
        int mask = slots.length - 1;
        for (int slot = hash & mask; slots[slot] != 0; slot = (slot + 1) & mask) {
            int offset = slots[slot] - 1;
            // The id's first bytes first: most slots probed hold another blob.
            if (BigEndian.intAt(content, offset + 1) == hash && holds(offset, blob)) {
                return offset;
            }
        }
        return -1;
    }

    /** Whether the entry at {@code offset} is {@code blob}'s: its id, size and mode. */
    private boolean holds(int offset, BlobKey blob) {
        int length = Byte.toUnsignedInt(content[offset]);
        String id = blob.id();
        if (id.length() != 2 * length) {
            return false;
        }
        int start = offset + 1;
        // Its first four bytes are the hash's, compared already.
        for (int i = 4; i < length; i++) {
            int b = content[start + i];
            if (id.charAt(2 * i) != HEX_DIGITS[(b >> 4) & 0xF] || id.charAt(2 * i + 1) != HEX_DIGITS[b & 0xF]) {
                return false;
            }
        }
        int at = start + length;
        return BigEndian.longAt(content, at) == blob.size() && BigEndian.intAt(content, at + Long.BYTES) == blob.mode();
    }

    /** A lower-case hex digit's value ({@link BlobKey}'s ids are lower case), else -1. */
    private static int nibble(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    }

    /** The offsets of the entries of those of {@code blobs} this index holds, ascending. */
    int[] offsetsOf(java.util.Collection<BlobKey> blobs) {
        return blobs.stream()
                .mapToInt(this::find)
                .filter(offset -> offset >= 0)
                .sorted()
                .toArray();
    }

    /** The length of the entry at {@code offset} of {@code content}. */
    static int entryLength(byte[] content, int offset) {
        return 1 + Byte.toUnsignedInt(content[offset]) + FIXED;
    }

    int size() {
        return size;
    }
}
