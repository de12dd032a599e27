package dev.deja.packer.state;

/**
 * What the file system says about a file without reading it: enough to tell, like git's index, that its
 * content cannot have changed since it was last hashed.
 */
public record FileStamp(long size, long mtimeNanos, long ctimeNanos, long inode, long device) {}
