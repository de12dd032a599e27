package dev.deja.engine.dev;

import dev.deja.packer.InputException;
import java.nio.file.Path;

/** {@code deja dev} cannot go on: one line that says what and how to fix it (exit 2). */
public final class DevException extends InputException {
    private static final long serialVersionUID = 1L;

    public DevException(String message) {
        super((Path) null, message);
    }
}
