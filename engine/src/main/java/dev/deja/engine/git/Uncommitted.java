package dev.deja.engine.git;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The paths of a checkout that are not its commit's: edited, staged, deleted, renamed, or untracked and not ignored
 * by git ({@code git status}). Files git ignores are not among them: a build's artifacts, which CI makes before it
 * builds images, are expected there and belong to the commit's build.
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
        // Empty at the checkout's top: run, not line, which says null for no line.
        String prefix = Git.run(root, "rev-parse", "--show-prefix");
        String status = Git.run(root, "--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=all");
        if (prefix == null || status == null) {
            return Optional.empty();
        }
        return Optional.of(new Uncommitted(fromStatus(status, prefix.strip())));
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
