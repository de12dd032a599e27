package dev.deja.engine.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deja.engine.config.ConfigException;
import dev.deja.engine.config.ImageEntry;
import dev.deja.engine.config.ImageNames;
import dev.deja.engine.config.Notice;
import dev.deja.packer.dockerfile.Dockerfile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The images of bake's printed targets: one per target, named after it; the repository of its first tag tells
 * where it lives, the tags of that repository become its tags; {@code contexts} and a local {@code output} are
 * kept in deja's words.
 */
public final class BakeImages {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private BakeImages() {}

    /**
     * @param printed what {@code docker buildx bake --print} printed
     * @param root    the project root: every path becomes relative to it
     * @param file    the main bake file: paths in {@code printed} are relative to its folder
     */
    public static List<SourceImage> of(JsonNode printed, Path root, Path file, Consumer<Notice> notices) {
        Path dir = file.getParent();
        List<SourceImage> images = new ArrayList<>();
        printed.path("target").properties().forEach(entry -> {
            String target = entry.getKey();
            String name = target.toLowerCase(Locale.ROOT);
            if (!ImageNames.isValidName(name)) {
                throw new ConfigException(
                        file, "bake target '" + target + "' cannot be an image name; name it in deja.yaml");
            }
            images.add(new SourceImage(name, settings(target, entry.getValue(), root, dir, file, notices), file, 0));
        });
        return images;
    }

    private static ObjectNode settings(
            String target, JsonNode definition, Path root, Path dir, Path file, Consumer<Notice> notices) {
        ObjectNode settings = JSON.objectNode();
        String contextValue = definition.path("context").asText(".");
        if (Dockerfile.isRemoteSource(contextValue)) {
            throw new ConfigException(
                    file, "bake target '" + target + "': its context " + contextValue + " is fetched by the builder");
        }
        Path context = dir.resolve(contextValue).normalize();
        settings.put("context", relative(root, context, target, file));
        if (definition.hasNonNull("dockerfile-inline")) {
            settings.put(
                    "dockerfile_inline", definition.get("dockerfile-inline").asText());
        } else {
            Path dockerfile = context.resolve(definition.path("dockerfile").asText("Dockerfile"))
                    .normalize();
            settings.put("dockerfile", relative(root, dockerfile, target, file));
        }
        SourceSettings.copyMapping(definition, "args", settings, "args");
        SourceSettings.copyMapping(definition, "labels", settings, "labels");
        if (definition.hasNonNull("target")) {
            settings.put("target", definition.get("target").asText());
        }
        if (definition.path("platforms").isArray()
                && !definition.path("platforms").isEmpty()) {
            ArrayNode platforms = settings.putArray("platforms");
            definition.get("platforms").forEach(p -> platforms.add(p.asText()));
        }
        if (definition.path("contexts").isObject()
                && !definition.path("contexts").isEmpty()) {
            ObjectNode contexts = settings.putObject("contexts");
            definition.get("contexts").properties().forEach(e -> {
                String value = e.getValue().asText();
                boolean local = !value.matches("[A-Za-z][A-Za-z0-9+.-]*:.*");
                contexts.put(
                        e.getKey(), local ? relative(root, dir.resolve(value).normalize(), target, file) : value);
            });
        }
        ObjectNode secrets = JSON.objectNode();
        for (JsonNode secret : definition.path("secret")) {
            Map<String, String> fields = fields(secret);
            String id = fields.getOrDefault("id", "");
            String env = fields.getOrDefault("env", "");
            String src = fields.getOrDefault("src", fields.getOrDefault("source", ""));
            if (id.isEmpty() || (env.isEmpty() && src.isEmpty())) {
                throw new ConfigException(
                        file,
                        "bake target '" + target + "': secret '" + secret.asText(secret.toString())
                                + "' needs an id and a src or env");
            }
            secrets.put(
                    id, env.isEmpty() ? SourceSettings.fromFolder(dir, src) : ImageEntry.SECRET_FROM_ENVIRONMENT + env);
        }
        if (!secrets.isEmpty()) {
            settings.set("secrets", secrets);
        }
        ArrayNode ssh = JSON.arrayNode();
        for (JsonNode entry : definition.path("ssh")) {
            // Printed as ID=PATH,… or, by newer buildx, as {id, paths}.
            List<String> paths = new ArrayList<>();
            entry.path("paths").forEach(path -> paths.add(path.asText()));
            String text = !entry.isObject()
                    ? entry.asText()
                    : entry.path("id").asText("default") + (paths.isEmpty() ? "" : "=" + String.join(",", paths));
            ssh.add(SourceSettings.sshEntry(dir, text));
        }
        if (!ssh.isEmpty()) {
            settings.set("ssh", ssh);
        }
        SourceSettings.copyRunSettings(
                definition, List.of("network", "extra-hosts", "shm-size", "ulimits", "entitlements"), settings);
        // The first tag names the repository, as deja.yaml's repository: does; the others in it are more tags.
        JsonNode tags = definition.path("tags");
        String repository =
                tags.isEmpty() ? "" : ImageNames.repositoryOf(tags.get(0).asText());
        if (!repository.isEmpty()) {
            settings.put("repository", repository);
        }
        SourceSettings.leftOut(
                        "bake target '" + target + "'",
                        "",
                        SourceSettings.addTags(settings, repository, tags),
                        repository)
                .ifPresent(message -> notices.accept(new Notice(file, 0, message)));
        for (JsonNode output : definition.path("output")) {
            String text = output.asText();
            if (text.contains("type=local")) {
                for (String part : text.split(",")) {
                    if (part.startsWith("dest=")) {
                        settings.put(
                                "output",
                                relative(root, dir.resolve(part.substring(5)).normalize(), target, file));
                    }
                }
            }
        }
        return settings;
    }

    /** A secret as bake prints it: {@code id=x,src=path} (or {@code env=NAME}), or an object of the same fields. */
    private static Map<String, String> fields(JsonNode secret) {
        Map<String, String> fields = new HashMap<>();
        if (secret.isObject()) {
            secret.properties()
                    .forEach(
                            field -> fields.put(field.getKey(), field.getValue().asText()));
            return fields;
        }
        for (String part : secret.asText().split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
            }
        }
        return fields;
    }

    private static String relative(Path root, Path path, String target, Path file) {
        return SourceSettings.relative(root, path, "bake target '" + target + "':", file, 0);
    }
}
