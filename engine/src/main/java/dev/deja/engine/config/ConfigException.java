package dev.deja.engine.config;

import dev.deja.packer.InputException;
import java.nio.file.Path;

/** A problem in deja.yaml or in what it describes (names, paths, dependencies). */
public class ConfigException extends InputException {
    private static final long serialVersionUID = 1L;

    public ConfigException(Path file, int line, String message) {
        super(file, line, message);
    }

    public ConfigException(Path file, int line, int column, String message) {
        super(file, line, column, message);
    }

    public ConfigException(Path file, String message) {
        super(file, message);
    }
}
