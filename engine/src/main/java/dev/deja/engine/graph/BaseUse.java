package dev.deja.engine.graph;

import java.nio.file.Path;

/**
 * A place where an image uses an image from outside the repository (a base): a FROM, {@code --from},
 * {@code --mount=from} or an external named context, with its ARGs expanded.
 *
 * @param image     the project image that uses it
 * @param reference the reference as the builder would read it ({@code python:3.12-slim})
 * @param how       {@code FROM}, {@code --from}, {@code --mount=from} or {@code context NAME}
 * @param file      where it is written
 * @param line      at which line
 * @param pinnable  whether the packed Dockerfile can name its digest: not when the instruction reads a different
 *                  image for each platform (one text cannot pin them all; the state still holds every digest)
 */
public record BaseUse(String image, String reference, String how, Path file, int line, boolean pinnable) {

    /** {@code python:3.12-slim (FROM in image 'api' at api/Dockerfile:1)}, paths relative to {@code root}. */
    public String describe(Path root) {
        return reference + " (" + where(root) + ")";
    }

    /** {@code FROM in image 'api' at api/Dockerfile:1}. */
    public String where(Path root) {
        Path shown = file.startsWith(root) ? root.relativize(file) : file;
        return how + " in image '" + image + "' at " + shown + (line > 0 ? ":" + line : "");
    }
}
