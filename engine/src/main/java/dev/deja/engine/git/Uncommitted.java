package dev.deja.engine.git;

import dev.deja.engine.exec.Parallel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        // The checkout's top, the project's folder from there (an empty line at the top) and the index, in one call.
        String located = Git.run(root, "rev-parse", "--show-toplevel", "--show-prefix", "--git-path", "index");
        List<String> lines = located == null ? List.of() : located.lines().toList();
        String prefix = lines.size() < 3 ? null : lines.get(1).strip();
        String status = prefix == null
                ? null
                : status(
                        root,
                        prefix,
                        Path.of(lines.get(0).strip()),
                        root.toAbsolutePath().resolve(lines.get(2).strip()));
        String folders = Parallel.get(listing);
        if (status == null || folders == null) {
            return Optional.empty();
        }
        List<String> paths = new ArrayList<>(fromStatus(status, prefix));
        paths.addAll(emptyFolders(root, folders));
        return Optional.of(new Uncommitted(paths));
    }

    /**
     * {@code git status} of the checkout at {@code top}, asked about a copy of its {@code index} when that copy's
     * answer is git's own: right after a checkout or a clone, the real index has thousands of racy entries, whose files
     * every status reads and hashes again (0.4-1 s for 6,700 of them), and a status that may not write the index
     * (deja's) never refreshes them. The copy's answer stands when every racy entry is {@link
     * IndexSnapshot#trustedByItsTimes trusted by its file's times}, as the vouching for a context's files checks them;
     * otherwise (a file written again within its second) git is asked about its own index, and reads them. Only the
     * project's folder ({@code prefix} from the top) is asked about: a monorepo's other folders are not the project's.
     */
    private static String status(Path root, String prefix, Path top, Path index) {
        try (IndexSnapshot snapshot = IndexSnapshot.of(index)) {
            if (snapshot.copied()) {
                CompletableFuture<String> ofTheCopy =
                        Parallel.ahead("deja-git-status-copy", () -> status(root, snapshot.environment()));
                boolean trusted = snapshot.racyEntries()
                        .map(racy -> racy.stream()
                                .filter(entry -> entry.path().startsWith(prefix))
                                .allMatch(entry -> snapshot.trustedByItsTimes(top, entry)))
                        .orElse(false);
                String status = Parallel.get(ofTheCopy);
                if (trusted && status != null) {
                    return status;
                }
            }
        }
        return status(root, Map.of());
    }

    private static String status(Path root, Map<String, String> variables) {
        return StatusEntry.ask(root, variables, "--untracked-files=all", "--", ".");
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
