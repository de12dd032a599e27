package dev.deja.engine.graph;

import java.nio.file.Path;

/**
 * Why one image depends on another.
 *
 * @param child  the image that needs {@code parent}
 * @param parent the image it needs
 * @param how    {@code FROM}, {@code --from}, {@code --mount=from}, {@code context NAME}, {@code output FOLDER} or
 *               {@code depends_on}
 * @param file   where it is written
 * @param line   at which line
 */
public record Dependency(String child, String parent, String how, Path file, int line) {

    /** How a dependency reads: {@code output <folder>}, the child reads the parent's exported files. */
    public static final String OUTPUT = "output ";

    /** The child only reads the files the parent exports (it does not take the parent as an image). */
    public boolean readsOutput() {
        return how.startsWith(OUTPUT);
    }
}
