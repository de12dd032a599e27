package dev.deja.engine.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads deja.yaml strictly: unknown keys, wrong types, duplicate keys and keys without a value are errors citing
 * file, line and column. The YAML compose users write works here too: anchors, aliases, merge keys, {@code x-}
 * keys at the top and in an image's settings, and {@code ${VAR}} from the environment and {@code .env}.
 */
public final class ConfigLoader {

    public static final String FILE_NAME = "deja.yaml";

    private final ObjectMapper mapper;
    private final Map<String, String> environment;

    /** @param environment the variables {@code ${VAR}} may name, besides those of {@code .env} */
    public ConfigLoader(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        mapper = new ObjectMapper()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        // "yes" is not a boolean and "3" is not a number here: a quoted value of the wrong type is a mistake.
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Collection)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    }

    public ConfigFile load(Path file) {
        Interpolator interpolator = Interpolator.strict(DotEnv.withEnvironment(file.getParent(), environment));
        YamlDocument document = YamlDocument.read(
                file,
                new YamlDocument.Reading(
                        path -> path.isEmpty()
                                || (path.size() == 2 && path.get(0).equals("images")),
                        interpolator));
        JsonNode root = document.root();
        if (root.isNull()) {
            return new ConfigFile(null, null, null, null, null, null, null, null, null, null, null, file);
        }
        if (!root.isObject()) {
            throw new ConfigException(file, 1, FILE_NAME + " must be a mapping of settings (registry:, images:, …)");
        }
        checkValues(document, root, "", new ArrayList<>());
        JsonNode images = root.get("images");
        if (images != null && images.isObject() && images.isEmpty()) {
            throw new ConfigException(
                    file,
                    document.line("/images"),
                    "'images:' is empty: list images under it, or remove it to discover every Dockerfile");
        }
        ConfigFile config;
        try {
            config = mapper.treeToValue(root, ConfigFile.class);
        } catch (JsonProcessingException e) {
            String pointer = pointer(e);
            YamlDocument.Location location = document.location(pointer);
            throw new ConfigException(file, location.line(), location.column(), describe(e));
        }
        Map<String, ImageEntry> placed = new LinkedHashMap<>();
        Map<String, ObjectNode> written = new LinkedHashMap<>();
        config.images().forEach((name, entry) -> {
            placed.put(name, entry.atLine(document.line(YamlDocument.pointer("/images", name))));
            written.put(name, (ObjectNode) images.get(name));
        });
        return config.with(placed, written, file);
    }

    /**
     * One image's settings (a source's, with deja.yaml's laid over them) as an entry.
     *
     * @param file where an error is reported
     * @param line the line it names
     */
    public ImageEntry entry(String name, JsonNode settings, Path file, int line) {
        try {
            return mapper.treeToValue(settings, ImageEntry.class).atLine(line);
        } catch (JsonProcessingException e) {
            throw new ConfigException(file, line, "image '" + name + "': " + describe(e));
        }
    }

    /** A key without a value is never meant: say which, where. */
    private static void checkValues(YamlDocument document, JsonNode node, String pointer, List<String> path) {
        if (node.isNull()) {
            String where = YamlDocument.dotted(path);
            String message = path.size() == 2 && path.get(0).equals("images")
                    ? "image '" + path.get(1) + "' has no settings (it needs at least 'dockerfile:')"
                    : "'" + where + "' has no value (give it one, or remove the key)";
            throw new ConfigException(document.file(), document.line(pointer), message);
        }
        if (node.isObject()) {
            node.properties().forEach(entry -> {
                path.add(entry.getKey());
                checkValues(document, entry.getValue(), YamlDocument.pointer(pointer, entry.getKey()), path);
                path.remove(path.size() - 1);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                path.add("[" + i + "]");
                checkValues(document, node.get(i), pointer + "/" + i, path);
                path.remove(path.size() - 1);
            }
        }
    }

    /** Where in the document Jackson's complaint is: the unknown key itself, or the value of the wrong type. */
    private static String pointer(JsonProcessingException e) {
        String pointer = "";
        if (e instanceof JsonMappingException mapping) {
            for (JsonMappingException.Reference reference : mapping.getPath()) {
                pointer = reference.getFieldName() != null
                        ? YamlDocument.pointer(pointer, reference.getFieldName())
                        : pointer + "/" + reference.getIndex();
            }
        }
        return pointer;
    }

    private static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds() == null
                    ? ""
                    : unknown.getKnownPropertyIds().stream()
                            .map(Object::toString)
                            .filter(k -> !k.equals("line") && !k.equals("file"))
                            .sorted()
                            .collect(Collectors.joining(", "));
            return "unknown key '" + unknown.getPropertyName() + "'" + where(unknown)
                    + (known.isEmpty() ? "" : " (known keys: " + known + ")");
        }
        if (e instanceof InvalidFormatException format) {
            String expected =
                    format.getTargetType() != null && format.getTargetType().isEnum()
                            ? " (one of: "
                                    + Arrays.stream(format.getTargetType().getEnumConstants())
                                            .map(c -> c.toString().toLowerCase(Locale.ROOT))
                                            .collect(Collectors.joining(", "))
                                    + ")"
                            : "";
            return "invalid value '" + format.getValue() + "' for " + path(format) + expected;
        }
        if (e instanceof MismatchedInputException mismatch) {
            String target = mismatch.getTargetType() == null ? "" : " (expected " + typeName(mismatch) + ")";
            String path = path(mismatch);
            return "wrong type for " + (path.isEmpty() ? "the document" : path) + target;
        }
        if (e instanceof JsonMappingException mapping) {
            return mapping.getOriginalMessage() + where(mapping);
        }
        String message = e.getOriginalMessage();
        return "invalid YAML: "
                + (message == null
                        ? e.getClass().getSimpleName()
                        : message.lines().findFirst().orElse(""));
    }

    private static String typeName(MismatchedInputException e) {
        Class<?> type = e.getTargetType();
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        return type.getSimpleName();
    }

    private static String where(JsonMappingException e) {
        String path = path(e);
        int lastDot = path.lastIndexOf('.');
        return lastDot < 0 ? "" : " in " + path.substring(0, lastDot);
    }

    /** {@code images.service1.include}, from Jackson's reference chain. */
    private static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (out.length() > 0) {
                out.append('.');
            }
            out.append(reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]");
        }
        return out.toString();
    }
}
