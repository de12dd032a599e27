package dev.deja.packer.state;

/**
 * A file's content as a version control system names it: git's blob id, with the size and mode git recorded. Only
 * a file git vouches for (clean, no conversion on checkout) has one; its bytes are then exactly the blob's, so a
 * digest recorded under this key is the digest of any such file, in any clone.
 *
 * @param id   the blob's object id, lower-case hex (SHA-1, or SHA-256 in a SHA-256 repository)
 * @param mode git's mode, 0100644 or 0100755
 */
public record BlobKey(String id, long size, int mode) {

    // Written out, as FileStamp's: a record's own are linked on their first call and run through method handles, on
    // every one of a listed walk's 50,000 lookups.
    @Override
    public boolean equals(Object other) {
        return other instanceof BlobKey that && size == that.size && mode == that.mode && id.equals(that.id);
    }

    @Override
    public int hashCode() {
        return (id.hashCode() * 31 + Long.hashCode(size)) * 31 + mode;
    }
}
