package dev.deja.packer;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Bad input from the user's files: a Dockerfile, an ignore file, a context path, a config. Carries the file and line
 * so that the message can point at the exact place to fix.
 */
public class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;
    private final int column;
    /** What deja noticed before it stopped here (an unset variable that explains a bad value), said first. */
    private final List<String> earlier = new ArrayList<>();

    public InputException(Path file, int line, int column, String message) {
        super(message);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    public InputException(Path file, int line, String message) {
        this(file, line, 0, message);
    }

    public InputException(Path file, String message) {
        this(file, 0, message);
    }

    /**
     * Why a file could not be read, in words: Java names only the path for the common failures ("permission denied",
     * "no such file"), which the message already shows.
     */
    public static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage();
    }

    /** Adds what was noticed before this stopped the run; returns this, for a rethrow. */
    public InputException after(List<String> noticed) {
        earlier.addAll(noticed);
        return this;
    }

    /** What was noticed before this stopped the run, each a line of its own. */
    public List<String> earlier() {
        return List.copyOf(earlier);
    }

    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** 1-based line, or 0 when the problem is the file as a whole. */
    public int line() {
        return line;
    }

    /** {@code file:line: message}, the shape compilers use, so editors and CI logs can link to it. */
    public String describe(Path relativeTo) {
        if (file == null) {
            return getMessage();
        }
        Path shown = file;
        if (relativeTo != null && file.isAbsolute() && file.startsWith(relativeTo)) {
            shown = relativeTo.relativize(file);
        }
        if (shown.toString().isEmpty()) {
            // The project root itself (no deja.yaml to cite): "." would read as a file name.
            return getMessage();
        }
        String where = shown.toString();
        String position = line > 0 ? ":" + line + (column > 0 ? ":" + column : "") : "";
        return where + position + ": " + getMessage();
    }
}
