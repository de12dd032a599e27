package dev.deja.engine.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads deja.yaml strictly: unknown keys, wrong types and duplicate keys are errors citing file, line and column. */
public final class ConfigLoader {

    public static final String FILE_NAME = "deja.yaml";

    private final ObjectMapper mapper;

    public ConfigLoader() {
        YAMLFactory yaml = new YAMLFactory();
        yaml.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper = new ObjectMapper(yaml)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        // "yes" is not a boolean and "3" is not a number here: a quoted value of the wrong type is a mistake.
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Collection)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    }

    public ConfigFile load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file, "cannot read: " + e.getMessage());
        }
        try {
            var tree = mapper.readTree(text);
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                return new ConfigFile(null, null, null, null, null, file);
            }
            ConfigFile config = mapper.readValue(text, ConfigFile.class);
            if (config == null) {
                return new ConfigFile(null, null, null, null, null, file);
            }
            return config.from(file);
        } catch (JsonProcessingException e) {
            int line = line(e);
            int column = column(e);
            if (e instanceof UnrecognizedPropertyException unknown) {
                // Records report unknown keys at the end of their mapping; point at the key itself.
                String[] lines = text.split("\n", -1);
                String key = Pattern.quote(unknown.getPropertyName());
                for (int i = Math.min(line, lines.length) - 1; i >= 0; i--) {
                    Matcher m = Pattern.compile("^(\\s*)(- )?" + key + "\\s*:").matcher(lines[i]);
                    if (m.find()) {
                        line = i + 1;
                        column = m.end(1) + 1;
                        break;
                    }
                }
            }
            throw new ConfigException(file, line, column, describe(e));
        }
    }

    /** Where the offending token starts (Jackson's own location is often past it, on the next line). */
    private static JsonLocation location(JsonProcessingException e) {
        if (e instanceof JsonMappingException && e.getProcessor() instanceof JsonParser parser) {
            JsonLocation token = parser.currentTokenLocation();
            if (token != null && token.getLineNr() > 0) {
                return token;
            }
        }
        return e.getLocation();
    }

    private static int line(JsonProcessingException e) {
        JsonLocation location = location(e);
        return location == null ? 0 : Math.max(0, location.getLineNr());
    }

    private static int column(JsonProcessingException e) {
        JsonLocation location = location(e);
        return location == null ? 0 : Math.max(0, location.getColumnNr());
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
            String original = mismatch.getOriginalMessage();
            if (original != null && original.startsWith("image '")) {
                return original;
            }
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
