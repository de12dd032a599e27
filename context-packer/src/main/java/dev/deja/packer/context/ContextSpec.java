package dev.deja.packer.context;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What goes into one image's build context.
 *
 * @param repoRoot   the project root; nothing outside it may enter a context
 * @param contextDir repo-relative folder whose content is the context ("" for the root)
 * @param dockerfile repo-relative path of the Dockerfile
 * @param includes   repo-relative paths added to the context at the same relative path
 * @param excludes   extra ignore patterns, applied after the .dockerignore ones
 * @param leftOut    names at the repository root that a context never holds unless included ({@code .git}, and
 *                   the tool's own files: editing them must not change an image)
 * @param deferred   repo-relative folders another build writes (a builder's output): left out of this packing (they
 *                   may not exist yet, and the producer's state stands for them), packed when the build is sent
 */
public record ContextSpec(
        Path repoRoot,
        String contextDir,
        String dockerfile,
        List<String> includes,
        List<String> excludes,
        Set<String> leftOut,
        List<String> deferred) {

    /** What a context leaves out when nothing else is said: git's folder. */
    public static final Set<String> GIT = Set.of(".git");

    public ContextSpec {
        includes = List.copyOf(includes);
        excludes = List.copyOf(excludes);
        leftOut = Set.copyOf(leftOut);
        deferred = List.copyOf(deferred);
    }

    /** A spec that leaves out {@link #GIT}. */
    public ContextSpec(
            Path repoRoot, String contextDir, String dockerfile, List<String> includes, List<String> excludes) {
        this(repoRoot, contextDir, dockerfile, includes, excludes, GIT, List.of());
    }

    /** The same spec with every deferred folder packed: for sending, once they have been written. */
    public ContextSpec withDeferredPacked() {
        return new ContextSpec(repoRoot, contextDir, dockerfile, includes, excludes, leftOut, List.of());
    }

    /** Whether {@code repoPath} lies in (or is) a deferred folder. */
    public boolean isDeferred(String repoPath) {
        for (String folder : deferred) {
            if (RepoPath.isWithin(repoPath, folder)) {
                return true;
            }
        }
        return false;
    }
}
