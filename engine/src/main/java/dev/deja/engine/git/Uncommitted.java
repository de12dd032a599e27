package dev.deja.engine.git;

import dev.deja.engine.exec.Parallel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The paths of a checkout that are not its commit's: edited, staged, deleted, renamed, or untracked and not ignored
 * by git ({@code git status}), and the empty folders git does not track (a folder path ending in {@code /}). Files
 * git ignores are not among them: a build's artifacts, which CI makes before it builds images, are expected there
 * and belong to the commit's build.
 *
 * @param paths from the project root (untracked files one by one: a folder may hold build outputs, which do not
 *              count, beside files that do)
 */
public record Uncommitted(List<String> paths) {

    public Uncommitted {
        paths = List.copyOf(paths);
    }

    /** Nothing differs from the commit (or nothing can be told: not a checkout). */
    public static final Uncommitted NONE = new Uncommitted(List.of());

    /** What differs from the commit in the project at {@code root}; empty when git cannot tell. */
    public static Optional<Uncommitted> read(Path root) {
        // Folders git does not track, from the project root, one per outermost folder: the empty ones are not in
        // the status, yet a context holds them and no commit can. Listed while the status runs.
        CompletableFuture<String> listing = Parallel.ahead(
                "deja-git-folders",
                () -> Git.run(root, "ls-files", "--others", "--exclude-standard", "--directory", "-z", "--", "."));
        // Empty at the checkout's top: run, not line, which says null for no line.
        String prefix = Git.run(root, "rev-parse", "--show-prefix");
        String status = Git.run(root, "--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=all");
        String folders = Parallel.get(listing);
        if (prefix == null || status == null || folders == null) {
            return Optional.empty();
        }
        List<String> paths = new ArrayList<>(fromStatus(status, prefix.strip()));
        paths.addAll(emptyFolders(root, folders));
        return Optional.of(new Uncommitted(paths));
    }

    /** The folders of {@code ls-files --others --directory -z} output that hold no file or link at any depth. */
    static List<String> emptyFolders(Path root, String folders) {
        List<String> empty = new ArrayList<>();
        for (String folder : folders.split("\0")) {
            if (folder.endsWith("/") && holdsNothing(root.resolve(folder))) {
                empty.add(folder);
            }
        }
        return empty;
    }

    private static boolean holdsNothing(Path folder) {
        try (Stream<Path> below = Files.walk(folder)) {
            return below.allMatch(path -> Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /**
     * The paths of {@code git status --porcelain=v1 -z} output (paths from the checkout's top) under the project's
     * folder {@code prefix} ({@code ""} or ending in {@code /}), from there.
     */
    static List<String> fromStatus(String status, String prefix) {
        List<String> out = new ArrayList<>();
        for (StatusEntry entry : StatusEntry.parse(status)) {
            // Gone from where a rename or copy came from is a change too.
            for (String path : entry.from() == null ? List.of(entry.path()) : List.of(entry.path(), entry.from())) {
                if (path.startsWith(prefix)) {
                    out.add(path.substring(prefix.length()));
                }
            }
        }
        return out;
    }

    public boolean isEmpty() {
        return paths.isEmpty();
    }
}
