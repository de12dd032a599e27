package dev.deja.engine.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deja.engine.config.ConfigException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What compose and bake write, in deja.yaml's words: paths (absolute, or relative to their file) as
 * project-relative ones, mappings and lists copied as strings.
 */
final class SourceSettings {

    private SourceSettings() {}

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

    /**
     * {@code from.key}, a mapping, as {@code to.as} with string values, sorted (compose's output and a file list
     * them in different orders and mean the same); null values left out; nothing when it is absent or empty.
     */
    static void copyMapping(JsonNode from, String key, ObjectNode to, String as) {
        JsonNode mapping = from.path(key);
        if (mapping.isObject() && !mapping.isEmpty()) {
            ObjectNode out = to.putObject(as);
            new TreeMap<>(mapping.properties().stream()
                            .filter(e -> !e.getValue().isNull())
                            .collect(Collectors.toMap(
                                    Map.Entry::getKey, e -> e.getValue().asText())))
                    .forEach(out::put);
        }
    }

    /** {@code from.key}, a list, as {@code to.as} with string items; nothing when it is absent or empty. */
    static void copyList(JsonNode from, String key, ObjectNode to, String as) {
        JsonNode list = from.path(key);
        if (list.isArray() && !list.isEmpty()) {
            ArrayNode out = to.putArray(as);
            list.forEach(item -> out.add(item.asText()));
        }
    }
}
