package dev.deja.packer.context;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A packed context written out as a folder, entry for entry as it was hashed (modes as in the tar, links as
 * links): what a builder reads when it takes a folder rather than a stream, as for named contexts.
 */
public final class ContextFiles {

    private ContextFiles() {}

    /** Writes every entry of {@code context} below {@code dir}, which must be empty. */
    public static void write(PackedContext context, Path dir) throws IOException {
        write(context.entries(), dir);
    }

    /** Writes {@code entries} below {@code dir}, which must be empty. */
    public static void write(List<ContextEntry> entries, Path dir) throws IOException {
        for (ContextEntry entry : entries) {
            Path target = dir.resolve(entry.path());
            if (!target.normalize().startsWith(dir)) {
                throw new IOException("entry '" + entry.path() + "' leaves the folder");
            }
            Files.createDirectories(target.getParent());
            switch (entry.type()) {
                case DIRECTORY -> Files.createDirectories(target);
                case SYMLINK -> Files.createSymbolicLink(target, Path.of(entry.linkTarget()));
                default -> {
                    try (InputStream in = entry.open()) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            if (!Files.isSymbolicLink(target)) {
                String mode = entry.mode() == 0755 ? "rwxr-xr-x" : "rw-r--r--";
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(mode));
            }
        }
    }

    /** Removes a folder written by {@link #write}, links not followed. */
    public static void delete(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
