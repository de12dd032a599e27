package dev.deja.engine.bases;

import dev.deja.engine.config.ConfigException;
import dev.deja.engine.project.Project;
import dev.deja.packer.AtomicFile;
import dev.deja.packer.InputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * deja.lock: the digest of every base the project's images use, one per line ({@code <reference> <digest>},
 * references normalized, sorted), so a lock diff reads as "which base moved". Written by {@code deja lock}; read
 * by every run under {@code bases: lock}, which then never asks a registry for a base.
 */
public final class LockFile {

    public static final String NAME = Project.LOCK_FILE;

    private static final String HEADER = "# deja.lock: the digest of every base image the images of this project use.\n"
            + "# Written by `deja lock`; `deja lock --update` moves them to what their tags name now.\n";

    private LockFile() {}

    /** The digests by normalized reference; an empty map when there is no file. */
    public static SortedMap<String, String> read(Path file) {
        SortedMap<String, String> digests = new TreeMap<>();
        if (!Files.exists(file)) {
            return digests;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file, "cannot read: " + InputException.reason(e));
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+");
            if (words.length != 2) {
                throw new ConfigException(
                        file, i + 1, "expected '<image reference> sha256:<64 hex>', got '" + line + "'");
            }
            if (!words[1].matches("sha256:[0-9a-f]{64}")) {
                throw new ConfigException(
                        file,
                        i + 1,
                        "'" + words[1] + "' is not a digest (sha256: and 64 lower-case hex characters); "
                                + "deja lock --update writes the file again");
            }
            String reference;
            try {
                reference = BaseReference.parse(words[0]).normalized();
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file, i + 1, e.getMessage());
            }
            if (digests.put(reference, words[1]) != null) {
                throw new ConfigException(file, i + 1, reference + " is listed twice");
            }
        }
        return digests;
    }

    /** Writes the file whole (to a temporary file, then moved), so a reader never sees half of it. */
    public static void write(Path file, Map<String, String> digests) {
        StringBuilder text = new StringBuilder(HEADER);
        new TreeMap<>(digests)
                .forEach((reference, digest) ->
                        text.append(reference).append(' ').append(digest).append('\n'));
        try {
            AtomicFile.write(file, text.toString());
        } catch (IOException e) {
            throw new ConfigException(file, "cannot write: " + InputException.reason(e));
        }
    }
}
