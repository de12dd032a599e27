package dev.deja.engine.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * deja.yaml's tree bound to its records, strictly: an unknown key, a value of the wrong type ({@code "yes"} for a
 * boolean, a word for a list) or a choice that is not one of its values is a {@link Mismatch} naming where it is.
 * Written out rather than left to Jackson's data binding, whose set-up cost every run 60–90 ms before it could read
 * a line of its config; the keys are few and change rarely.
 */
final class ConfigBinding {

    /** A value that does not fit: its JSON pointer in the document, and what is wrong in words. */
    static final class Mismatch extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String pointer;

        Mismatch(String pointer, String message) {
            super(message);
            this.pointer = pointer;
        }

        String pointer() {
            return pointer;
        }
    }

    private static final Set<String> TOP_KEYS = Set.of(
            "registry",
            "tags",
            "cache",
            "discover",
            "from",
            "repository",
            "tag-prefix",
            "tag-suffix",
            "bases",
            "images");
    private static final Set<String> TAGS_KEYS = Set.of("commit", "branch", "latest-on");
    private static final Set<String> DISCOVER_KEYS = Set.of("exclude");
    private static final Set<String> IMAGE_KEYS = Set.of(
            "dockerfile",
            "context",
            "include",
            "exclude",
            "args",
            "target",
            "platforms",
            "aliases",
            "depends_on",
            "output",
            "repository",
            "tags",
            "labels",
            "contexts",
            "dockerfile_inline",
            "tag-prefix",
            "tag-suffix",
            "compose-service",
            "dev",
            "secrets",
            "ssh",
            "network",
            "extra_hosts",
            "shm_size",
            "ulimits",
            "entitlements");
    private static final Set<String> DEV_KEYS = Set.of("command", "sync", "workdir", "restart");

    private ConfigBinding() {}

    static ConfigFile config(JsonNode root) {
        Mapping top = new Mapping(root, Where.TOP, TOP_KEYS);
        Mapping tags = top.mapping("tags", TAGS_KEYS);
        Map<String, ImageEntry> images = new LinkedHashMap<>();
        Mapping imagesNode = top.mapping("images", null);
        if (imagesNode != null) {
            imagesNode
                    .node
                    .properties()
                    .forEach(image ->
                            images.put(image.getKey(), image(image.getValue(), imagesNode.where.key(image.getKey()))));
        }
        return new ConfigFile(
                top.text("registry"),
                tags == null ? null : new TagsConfig(tags.bool("commit"), tags.bool("branch"), tags.text("latest-on")),
                top.choice("cache", CacheMode.class),
                discover(top),
                top.texts("from", true),
                top.text("repository"),
                top.text("tag-prefix"),
                top.text("tag-suffix"),
                top.choice("bases", BasePolicy.class),
                imagesNode == null ? null : images,
                null,
                null);
    }

    /** One image's settings, as under {@code images:} or from a compose or bake file. */
    static ImageEntry image(JsonNode node) {
        return image(node, Where.TOP);
    }

    private static ImageEntry image(JsonNode node, Where where) {
        Mapping image = new Mapping(node, where, IMAGE_KEYS);
        Mapping dev = image.mapping("dev", DEV_KEYS);
        return new ImageEntry(
                image.text("dockerfile"),
                image.text("context"),
                image.texts("include", false),
                image.texts("exclude", false),
                image.textMap("args"),
                image.text("target"),
                image.texts("platforms", false),
                image.texts("aliases", false),
                image.texts("depends_on", false),
                image.text("output"),
                image.text("repository"),
                image.texts("tags", false),
                image.textMap("labels"),
                image.textMap("contexts"),
                image.text("dockerfile_inline"),
                image.text("tag-prefix"),
                image.text("tag-suffix"),
                image.texts("compose-service", true),
                dev == null
                        ? null
                        : new DevConfig(
                                dev.text("command"), dev.texts("sync", true), dev.text("workdir"), dev.text("restart")),
                image.textMap("secrets"),
                image.texts("ssh", true),
                new RunSettings(
                        image.text("network"),
                        image.texts("extra_hosts", true),
                        image.text("shm_size"),
                        image.texts("ulimits", true),
                        image.texts("entitlements", true)),
                null);
    }

    /** {@code discover: true|false}, or a mapping of its settings, which turns it on. */
    private static DiscoverConfig discover(Mapping top) {
        JsonNode value = top.value("discover");
        if (value == null) {
            return null;
        }
        if (value.isBoolean()) {
            return DiscoverConfig.of(value.booleanValue());
        }
        if (!value.isObject()) {
            throw top.where.key("discover").wrongType("true, false or a mapping");
        }
        return DiscoverConfig.of(top.mapping("discover", DISCOVER_KEYS).texts("exclude", false));
    }

    /** A JSON pointer into the document, and the same place dotted for messages ({@code images.api.args}). */
    private record Where(String pointer, String dotted) {
        static final Where TOP = new Where("", "");

        Where key(String key) {
            return new Where(YamlDocument.pointer(pointer, key), dotted.isEmpty() ? key : dotted + "." + key);
        }

        Where item(int index) {
            return new Where(pointer + "/" + index, dotted + "[" + index + "]");
        }

        Mismatch wrongType(String expected) {
            return new Mismatch(
                    pointer,
                    "wrong type for " + (dotted.isEmpty() ? "the document" : dotted) + " (expected " + expected + ")");
        }
    }

    /** A mapping whose keys have been checked against those it may have ({@code null}: any key). */
    private static final class Mapping {
        private final JsonNode node;
        private final Where where;

        Mapping(JsonNode node, Where where, Set<String> keys) {
            if (!node.isObject()) {
                throw where.wrongType("a mapping");
            }
            this.node = node;
            this.where = where;
            if (keys != null) {
                node.fieldNames().forEachRemaining(key -> {
                    if (!keys.contains(key)) {
                        throw new Mismatch(
                                where.key(key).pointer(),
                                "unknown key '" + key + "'" + (where.dotted().isEmpty() ? "" : " in " + where.dotted())
                                        + " (known keys: " + String.join(", ", new TreeSet<>(keys)) + ")");
                    }
                });
            }
        }

        /** The value of a key, {@code null} when absent or written as null. */
        JsonNode value(String key) {
            JsonNode value = node.get(key);
            return value == null || value.isNull() ? null : value;
        }

        Mapping mapping(String key, Set<String> keys) {
            JsonNode value = value(key);
            return value == null ? null : new Mapping(value, where.key(key), keys);
        }

        String text(String key) {
            JsonNode value = value(key);
            return value == null ? null : text(value, where.key(key));
        }

        Boolean bool(String key) {
            JsonNode value = value(key);
            if (value == null) {
                return null;
            }
            if (!value.isBoolean()) {
                throw where.key(key).wrongType("true or false");
            }
            return value.booleanValue();
        }

        /** @param singleAsList whether one value stands for a list of it */
        List<String> texts(String key, boolean singleAsList) {
            JsonNode value = value(key);
            Where at = where.key(key);
            if (value == null) {
                return null;
            }
            if (!value.isArray()) {
                if (singleAsList && (value.isTextual() || value.isNumber())) {
                    return List.of(value.asText());
                }
                throw at.wrongType("a list");
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                out.add(text(value.get(i), at.item(i)));
            }
            return out;
        }

        Map<String, String> textMap(String key) {
            JsonNode value = value(key);
            if (value == null) {
                return null;
            }
            Where at = where.key(key);
            Mapping mapping = new Mapping(value, at, null);
            Map<String, String> out = new LinkedHashMap<>();
            mapping.node
                    .properties()
                    .forEach(entry -> out.put(entry.getKey(), text(entry.getValue(), at.key(entry.getKey()))));
            return out;
        }

        <E extends Enum<E>> E choice(String key, Class<E> type) {
            JsonNode value = value(key);
            if (value == null) {
                return null;
            }
            List<String> names = Arrays.stream(type.getEnumConstants())
                    .map(constant -> constant.name().toLowerCase(Locale.ROOT))
                    .toList();
            int index = value.isTextual() ? names.indexOf(value.textValue()) : -1;
            if (index < 0) {
                throw new Mismatch(
                        where.key(key).pointer(),
                        "invalid value '" + value.asText() + "' for "
                                + where.key(key).dotted() + " (one of: "
                                + String.join(", ", names) + ")");
            }
            return type.getEnumConstants()[index];
        }

        /** Text, or a number as written; {@code yes} quoted is text, {@code true} is not. */
        private static String text(JsonNode value, Where at) {
            if (value.isTextual() || value.isNumber()) {
                return value.asText();
            }
            throw at.wrongType("a string");
        }
    }
}
