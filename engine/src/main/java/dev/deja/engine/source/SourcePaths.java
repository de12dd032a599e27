package dev.deja.engine.source;

import dev.deja.engine.config.ConfigException;
import java.nio.file.Path;

/** Paths a source writes (absolute, or relative to its file) as deja's project-relative ones. */
final class SourcePaths {

    private SourcePaths() {}

    /**
     * {@code path} relative to {@code root} ("." for the root itself).
     *
     * @param what names the path in the error when it lies outside the project ("service 'api': build context")
     * @param file where the path is written, for the error
     * @param line its line there, or 0
     */
    static String relative(Path root, Path path, String what, Path file, int line) {
        Path absolute = path.toAbsolutePath().normalize();
        if (!absolute.startsWith(root)) {
            throw new ConfigException(file, line, what + " " + absolute + " is outside the project root " + root);
        }
        String relative = root.relativize(absolute).toString();
        return relative.isEmpty() ? "." : relative;
    }
}
