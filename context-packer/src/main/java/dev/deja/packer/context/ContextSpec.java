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
 */
public record ContextSpec(
        Path repoRoot,
        String contextDir,
        String dockerfile,
        List<String> includes,
        List<String> excludes,
        Set<String> leftOut) {

    /** What a context leaves out when nothing else is said: git's folder. */
    public static final Set<String> GIT = Set.of(".git");

    public ContextSpec {
        includes = List.copyOf(includes);
        excludes = List.copyOf(excludes);
        leftOut = Set.copyOf(leftOut);
    }

    /** A spec that leaves out {@link #GIT}. */
    public ContextSpec(
            Path repoRoot, String contextDir, String dockerfile, List<String> includes, List<String> excludes) {
        this(repoRoot, contextDir, dockerfile, includes, excludes, GIT);
    }
}
