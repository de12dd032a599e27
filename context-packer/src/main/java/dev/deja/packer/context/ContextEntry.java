package dev.deja.packer.context;

import dev.deja.packer.state.FileStamp;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One entry of a packed context, before hashing.
 *
 * @param path       slash-separated path inside the context, no leading or trailing slash
 * @param type       file, directory or symlink
 * @param executable for files: whether any execute bit is set on disk (the only mode bit that survives packing)
 * @param linkTarget for symlinks: the target as written; otherwise empty
 * @param size       for files: the byte length
 * @param source     for files and symlinks read from disk: where; {@code null} for generated entries
 * @param generated  for generated files (the rewritten Dockerfile): the bytes; otherwise {@code null}
 * @param stamp      for files read from disk: what the walk saw of them (for the digest cache)
 */
public record ContextEntry(
        String path,
        EntryType type,
        boolean executable,
        String linkTarget,
        long size,
        Path source,
        byte[] generated,
        FileStamp stamp) {

    public static ContextEntry directory(String path) {
        return new ContextEntry(path, EntryType.DIRECTORY, false, "", 0, null, null, null);
    }

    public static ContextEntry symlink(String path, String target, Path source) {
        return new ContextEntry(path, EntryType.SYMLINK, false, target, 0, source, null, null);
    }

    public static ContextEntry file(String path, Path source, FileStamp stamp, boolean executable) {
        return new ContextEntry(path, EntryType.FILE, executable, "", stamp.size(), source, null, stamp);
    }

    public static ContextEntry generated(String path, byte[] content) {
        return new ContextEntry(path, EntryType.FILE, false, "", content.length, null, content.clone(), null);
    }

    /** The mode written to the tar: 0644 or 0755 for files, 0755 for folders, 0777 for symlinks. */
    public int mode() {
        switch (type) {
            case DIRECTORY:
                return 0755;
            case SYMLINK:
                return 0777;
            default:
                return executable ? 0755 : 0644;
        }
    }

    public InputStream open() throws IOException {
        return generated != null ? new ByteArrayInputStream(generated) : Files.newInputStream(source);
    }
}
