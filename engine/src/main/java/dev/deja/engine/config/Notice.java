package dev.deja.engine.config;

import java.nio.file.Path;

/**
 * Something deja decided about the user's files and says once, as a warning: a Dockerfile skipped by discovery, a
 * context it inferred, content it cannot hash.
 *
 * @param file where it comes from, or {@code null}
 * @param line 1-based line in {@code file}, 0 for the whole file
 */
public record Notice(Path file, int line, String message) {

    /** {@code file:line: message}, the file relative to {@code root}. */
    public String describe(Path root) {
        if (file == null) {
            return message;
        }
        Path shown = root != null && file.isAbsolute() && file.startsWith(root) ? root.relativize(file) : file;
        return (shown.toString().isEmpty() ? "." : shown) + (line > 0 ? ":" + line : "") + ": " + message;
    }
}
