package dev.deja.packer.state;

import dev.deja.packer.context.EntryType;

/**
 * What the state sees of one context entry: exactly the fields that reach the builder.
 *
 * @param contentSha256 lower-case hex SHA-256 of a file's bytes; empty for folders and symlinks
 */
public record EntryDigest(String path, EntryType type, int mode, String linkTarget, String contentSha256) {}
