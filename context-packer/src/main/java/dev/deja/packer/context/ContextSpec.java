package dev.deja.packer.context;

import java.nio.file.Path;
import java.util.List;

/**
 * What goes into one image's build context.
 *
 * @param repoRoot   the project root; nothing outside it may enter a context
 * @param contextDir repo-relative folder whose content is the context ("" for the root)
 * @param dockerfile repo-relative path of the Dockerfile
 * @param includes   repo-relative paths added to the context at the same relative path
 * @param excludes   extra ignore patterns, applied after the .dockerignore ones
 */
public record ContextSpec(
        Path repoRoot, String contextDir, String dockerfile, List<String> includes, List<String> excludes) {

    public ContextSpec {
        includes = List.copyOf(includes);
        excludes = List.copyOf(excludes);
    }
}
