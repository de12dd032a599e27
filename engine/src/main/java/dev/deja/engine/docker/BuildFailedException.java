package dev.deja.engine.docker;

/** The builder refused an image: its Dockerfile failed, or the builder could not be run. */
public class BuildFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String image;

    public BuildFailedException(String image, String message) {
        super(message);
        this.image = image;
    }

    public String image() {
        return image;
    }
}
