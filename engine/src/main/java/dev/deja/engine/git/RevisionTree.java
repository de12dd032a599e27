package dev.deja.engine.git;

import dev.deja.packer.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The files of a commit, written from git's objects ({@code git archive}) into a folder of their own: the working
 * tree is never touched, and what is read is exactly what the commit holds (modes, links; no untracked files).
 */
public final class RevisionTree {

    private RevisionTree() {}

    /** The commit {@code revision} names, or empty when git does not know it here. */
    public static Optional<String> commit(Path dir, String revision) {
        return Optional.ofNullable(Git.line(dir, "rev-parse", "--verify", "--quiet", revision + "^{commit}"));
    }

    /**
     * Writes the tree of {@code commit} under {@code into}; returns the folder that {@code dir} (a folder of the
     * checkout) is there.
     */
    public static Path write(Path dir, String commit, Path into) {
        Path top = Git.topLevel(dir).orElseThrow(() -> new InputException(dir, "not in a git checkout"));
        Process process;
        try {
            process = new ProcessBuilder("git", "archive", "--format=tar", commit)
                    .directory(top.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new InputException(top, "cannot run git archive: " + InputException.reason(e));
        }
        try (InputStream out = process.getInputStream();
                TarArchiveInputStream tar = new TarArchiveInputStream(out)) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into) || entry.getName().equals("pax_global_header")) {
                    continue;
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                } else if (entry.isFile()) {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target);
                    if ((entry.getMode() & 0111) != 0) {
                        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                    }
                }
            }
            if (process.waitFor() != 0) {
                throw new InputException(top, "git archive " + commit + " failed");
            }
        } catch (IOException e) {
            throw new InputException(top, "cannot read the tree of " + commit + ": " + InputException.reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InputException(top, "interrupted while reading the tree of " + commit);
        }
        Path relative = top.toAbsolutePath().relativize(dir.toAbsolutePath());
        Path inside = into.resolve(relative.toString());
        return Files.isDirectory(inside, LinkOption.NOFOLLOW_LINKS) ? inside : into;
    }
}
