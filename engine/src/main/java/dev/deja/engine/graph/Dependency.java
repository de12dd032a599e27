package dev.deja.engine.graph;

import java.nio.file.Path;

/**
 * Why one image depends on another.
 *
 * @param child  the image that needs {@code parent}
 * @param parent the image it needs
 * @param how    {@code FROM}, {@code --from} or {@code depends_on}
 * @param file   where it is written
 * @param line   at which line
 */
public record Dependency(String child, String parent, String how, Path file, int line) {}
