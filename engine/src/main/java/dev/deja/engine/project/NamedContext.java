package dev.deja.engine.project;

/**
 * A named build context ({@code --build-context NAME=…}): what {@code FROM NAME}, {@code COPY --from=NAME} and
 * {@code RUN --mount=from=NAME} read.
 *
 * @param kind  what it is
 * @param value the project image's name, the external image reference, or the repo-relative folder
 */
public record NamedContext(Kind kind, String value) {

    public enum Kind {
        /** Another image of the project ({@code service:X}, {@code target:X}): a parent, passed by its exact state. */
        IMAGE,
        /** An image from outside ({@code docker-image://ref}). */
        EXTERNAL,
        /** A folder of the repository: part of the state, sent to the builder as it was hashed. */
        FOLDER
    }
}
