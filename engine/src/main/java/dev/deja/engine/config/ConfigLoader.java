package dev.deja.engine.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads deja.yaml strictly: unknown keys, wrong types, duplicate keys and keys without a value are errors citing
 * file, line and column. The YAML compose users write works here too: anchors, aliases, merge keys, {@code x-}
 * keys at the top and in an image's settings, and {@code ${VAR}} from the environment and {@code .env}.
 */
public final class ConfigLoader {

    public static final String FILE_NAME = "deja.yaml";

    private final Map<String, String> environment;

    /** @param environment the variables {@code ${VAR}} may name, besides those of {@code .env} */
    public ConfigLoader(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
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
            config = ConfigBinding.config(root);
        } catch (ConfigBinding.Mismatch e) {
            YamlDocument.Location location = document.location(e.pointer());
            throw new ConfigException(file, location.line(), location.column(), e.getMessage());
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
            return ConfigBinding.image(settings).atLine(line);
        } catch (ConfigBinding.Mismatch e) {
            throw new ConfigException(file, line, "image '" + name + "': " + e.getMessage());
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
}
