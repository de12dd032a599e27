package dev.deja.engine.dev;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deja.engine.why.StateSummary;
import dev.deja.packer.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a dev container holds, kept beside it on this machine: the container, the image state it started from (its
 * summary, to notice a changed Dockerfile or parent), and every synced entry as last copied (context path to what
 * the state sees of it: type, mode, link target, content digest). No timestamp is trusted.
 *
 * @param container the container's ID (a record of another container of the same name is stale)
 * @param image     the {@code <repository>:<state tag>} the container was started from
 * @param started   that state's summary
 * @param config    that image's config as {@code docker image inspect} gives it (entrypoint, command, WORKDIR): what
 *                  every commit puts back, read once
 * @param files     context path to {@code <type> <mode> <content sha256> <link target>}
 */
public record DevRecord(
        String container,
        String image,
        StateSummary started,
        com.fasterxml.jackson.databind.JsonNode config,
        SortedMap<String, String> files) {

    private static final ObjectMapper JSON =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public DevRecord {
        files = new TreeMap<>(files == null ? Map.of() : files);
    }

    /** The record in {@code file}; empty when there is none or it cannot be read (then everything is synced). */
    public static Optional<DevRecord> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(Files.readString(file, StandardCharsets.UTF_8), DevRecord.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public void write(Path file) {
        try {
            AtomicFile.write(file, JSON.writeValueAsString(this));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new DevException("cannot write the dev record " + file + ": " + e.getMessage());
        }
    }

    public DevRecord withFiles(SortedMap<String, String> newFiles) {
        return new DevRecord(container, image, started, config, newFiles);
    }
}
