package dev.deja.packer.context;

import dev.deja.packer.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A packed context written out as a folder, entry for entry as it was hashed (modes and times as in the tar, links
 * as links): what a builder reads when it takes a folder rather than a stream. A file whose size is not the one
 * hashed is refused, as when the tar is written.
 */
public final class ContextFiles {

    private ContextFiles() {}

    /** Writes every entry of {@code context} below {@code dir}, which must be empty. */
    public static void write(PackedContext context, Path dir) throws IOException {
        write(context.entries(), dir, WrittenFiles.none());
    }

    /**
     * Writes {@code entries} below {@code dir}, which must be empty: a file {@code earlier} holds (written for another
     * build of the same entries) is linked to it, any other copied (and recorded there).
     *
     * @return how many files were linked
     */
    public static int write(List<ContextEntry> entries, Path dir, WrittenFiles earlier) throws IOException {
        int linked = 0;
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
                    if (linked(entry, target, earlier)) {
                        linked++;
                    } else {
                        copy(entry, target);
                        earlier.add(entry, target);
                    }
                }
            }
            if (entry.type() == EntryType.DIRECTORY) {
                setMode(target, entry);
            }
        }
        // The tar's time, so that what a COPY takes from the folder is the same as from the tar; folders last, as
        // writing into a folder changes its time. (A file's was set as it was written.)
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).type() != EntryType.FILE) {
                setTime(dir.resolve(entries.get(i).path()));
            }
        }
        return linked;
    }

    /** Whether {@code entry}'s file was linked to the one written for it earlier. */
    private static boolean linked(ContextEntry entry, Path target, WrittenFiles earlier) {
        Path written = entry.source() == null ? null : earlier.find(entry);
        if (written == null) {
            return false;
        }
        try {
            Files.createLink(target, written);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            // Removed since, or on another file system: copied.
            return false;
        }
    }

    /** A file written whole: its bytes, mode and time. */
    private static void copy(ContextEntry entry, Path target) throws IOException {
        long copied;
        if (entry.source() != null) {
            copied = copy(entry.source(), target, entry.size());
        } else {
            try (InputStream in = entry.open()) {
                copied = Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (copied != entry.size()) {
            throw new InputException(
                    entry.source(),
                    "file " + (copied > entry.size() ? "grew" : "shrank") + " while deja was packing it; run again");
        }
        setMode(target, entry);
        setTime(target);
    }

    private static void setMode(Path target, ContextEntry entry) throws IOException {
        String mode = entry.mode() == 0755 ? "rwxr-xr-x" : "rw-r--r--";
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(mode));
    }

    private static void setTime(Path target) throws IOException {
        Files.getFileAttributeView(target, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(EPOCH, null, null);
    }

    private static final FileTime EPOCH = FileTime.fromMillis(0);

    /**
     * Copies {@code source} by the kernel (sendfile: no read and write through deja's memory, 2-3x faster for a
     * large file), up to one byte more than {@code size}, so that a file that grew is told.
     *
     * @return how many bytes were copied
     */
    private static long copy(Path source, Path target, long size) throws IOException {
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(
                        target,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            long copied = 0;
            long limit = size + 1;
            while (copied < limit) {
                long step = in.transferTo(copied, limit - copied, out);
                if (step <= 0) {
                    break;
                }
                copied += step;
            }
            return copied;
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
