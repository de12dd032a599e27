package dev.deja.engine.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deja.engine.config.ConfigException;
import dev.deja.engine.config.ImageNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /**
     * Adds the references of {@code repository} to the image's tags ({@code latest} for one without a tag), as the
     * builder would write them; returns the others (another repository, a digest), which deja does not write.
     */
    static List<String> addTags(ObjectNode settings, String repository, Iterable<JsonNode> references) {
        List<String> foreign = new ArrayList<>();
        for (JsonNode node : references) {
            String reference = node.asText();
            String tagRepository = ImageNames.repositoryOf(reference);
            if (repository.isEmpty() || !tagRepository.equals(repository) || reference.contains("@")) {
                foreign.add(reference);
                continue;
            }
            String tag = reference.equals(tagRepository) ? "latest" : reference.substring(tagRepository.length() + 1);
            ArrayNode tags = settings.has("tags") ? (ArrayNode) settings.get("tags") : settings.putArray("tags");
            boolean known = false;
            for (JsonNode existing : tags) {
                known |= existing.asText().equals(tag);
            }
            if (!known) {
                tags.add(tag);
            }
        }
        return foreign;
    }

    /**
     * What a notice says of settings deja leaves out: build settings it does not pass to the builder ({@code keys}
     * as {@code prefix + key}) and tags outside the image's repository; empty when there are none.
     *
     * @param who the service or target ("service 'api'")
     */
    static Optional<String> leftOut(
            String who, String prefix, List<String> keys, List<String> foreignTags, String repository) {
        List<String> parts = new ArrayList<>();
        if (!keys.isEmpty()) {
            parts.add(prefix + String.join(", " + prefix, keys)
                    + " are not passed to the builder by deja: a build that needs them fails or differs");
        }
        if (!foreignTags.isEmpty()) {
            parts.add(prefix + "tags " + String.join(", ", foreignTags) + " are not written by deja: it tags an image"
                    + " in its own repository (" + (repository.isEmpty() ? "named after it" : repository) + ") only");
        }
        return parts.isEmpty() ? Optional.empty() : Optional.of(who + ": " + String.join("; ", parts));
    }
}
