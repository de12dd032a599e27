package dev.deja.packer.state;

/**
 * Numbers read in place from a cache file's bytes, big-endian as {@code DataOutputStream} writes them: the indexes
 * look entries up where they lie, with no buffer object per lookup.
 */
final class BigEndian {

    private BigEndian() {}

    static int intAt(byte[] content, int offset) {
        return (content[offset] & 0xff) << 24
                | (content[offset + 1] & 0xff) << 16
                | (content[offset + 2] & 0xff) << 8
                | (content[offset + 3] & 0xff);
    }

    static long longAt(byte[] content, int offset) {
        return ((long) intAt(content, offset) << 32) | (intAt(content, offset + 4) & 0xffffffffL);
    }
}
