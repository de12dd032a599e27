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
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The images of a resolved compose model (from {@link ComposeReader} or {@code docker compose config --format
 * json}): one per distinct build definition, however many services share it. An image is named after the
 * repository of its {@code image:} (or its first service); its other services' names are its aliases, so
 * {@code service:NAME} finds it.
 */
public final class ComposeImages {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ComposeImages() {}

    /** Where the services are written, for messages: the file and the line of each service. */
    public interface Origins {
        ComposeReader.Origin of(String service);
    }

    /**
     * @param model   {@code {"services": {...}}}, build contexts absolute
     * @param root    the project root: every path becomes relative to it
     * @param notices where skipped services are told
     */
    public static List<SourceImage> of(JsonNode model, Path root, Origins origins, Consumer<Notice> notices) {
        // Services with equal settings (JsonNode's equality: the same tree) are one image. Keyed by the node, not
        // its text: JsonNode.toString() sets up an ObjectMapper (60-90 ms) in every run of a compose project.
        Map<ObjectNode, List<String>> servicesByBuild = new LinkedHashMap<>();
        model.path("services").properties().forEach(entry -> {
            String service = entry.getKey();
            JsonNode build = entry.getValue().get("build");
            if (build == null || build.isNull()) {
                return;
            }
            ComposeReader.Origin origin = origins.of(service);
            String context = build.path("context").asText(".");
            if (Dockerfile.isRemoteSource(context)) {
                notices.accept(new Notice(
                        origin.file(),
                        origin.line(),
                        "service '" + service + "' skipped: its build context " + context
                                + " is fetched by the builder, so deja cannot hash it"));
                return;
            }
            ObjectNode settings = settings(service, entry.getValue(), root, origin, model.path("secrets"));
            String repository = settings.path("repository").asText("");
            SourceSettings.leftOut(
                            "service '" + service + "'",
                            "build.",
                            SourceSettings.addTags(settings, repository, build.path("tags")),
                            repository)
                    .ifPresent(message -> notices.accept(new Notice(origin.file(), origin.line(), message)));
            servicesByBuild.computeIfAbsent(settings, k -> new ArrayList<>()).add(service);
        });
        // compose's own output lists services by name, a file by where they are written: order both by the file.
        Comparator<String> byLine = Comparator.comparingInt(
                        (String service) -> origins.of(service).line())
                .thenComparing(Comparator.naturalOrder());
        servicesByBuild.values().forEach(services -> services.sort(byLine));
        // The map is not read again: its keys may change below (aliases, compose-service) without harm.
        List<Map.Entry<ObjectNode, List<String>>> groups = new ArrayList<>(servicesByBuild.entrySet());
        groups.sort(Comparator.comparing(group -> group.getValue().get(0), byLine));
        List<SourceImage> images = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        Set<String> allServices = new HashSet<>();
        servicesByBuild.values().forEach(allServices::addAll);
        for (Map.Entry<ObjectNode, List<String>> group : groups) {
            ObjectNode settings = group.getKey();
            List<String> services = group.getValue();
            String name = name(settings, services, taken, allServices);
            taken.add(name);
            ArrayNode aliases = JSON.arrayNode();
            services.stream()
                    .filter(s -> !s.equals(name) && ImageNames.isValidName(s))
                    .forEach(aliases::add);
            if (!aliases.isEmpty()) {
                settings.set("aliases", aliases);
            }
            ArrayNode composeServices = JSON.arrayNode();
            services.forEach(composeServices::add);
            settings.set("compose-service", composeServices);
            ComposeReader.Origin origin = origins.of(services.get(0));
            images.add(new SourceImage(name, settings, origin.file(), origin.line()));
        }
        return images;
    }

    /** The repository's last part when {@code image:} names one that is free; else the first service's name. */
    private static String name(ObjectNode settings, List<String> services, Set<String> taken, Set<String> allServices) {
        String repository = settings.path("repository").asText("");
        if (!repository.isEmpty()) {
            String last = repository.substring(repository.lastIndexOf('/') + 1);
            if (!taken.contains(last) && (services.contains(last) || !allServices.contains(last))) {
                return last;
            }
        }
        for (String service : services) {
            String name = service.toLowerCase(Locale.ROOT);
            if (!taken.contains(name)) {
                return name;
            }
        }
        return services.get(0).toLowerCase(Locale.ROOT) + "-" + (taken.size() + 1);
    }

    /** One service's build in deja.yaml's words. */
    private static ObjectNode settings(
            String service, JsonNode definition, Path root, ComposeReader.Origin origin, JsonNode declaredSecrets) {
        JsonNode build = definition.get("build");
        Path context = Path.of(build.path("context").asText("."));
        ObjectNode settings = JSON.objectNode();
        settings.put("context", relative(root, context, service, "build context", origin));
        if (build.hasNonNull("dockerfile_inline")) {
            settings.put("dockerfile_inline", build.get("dockerfile_inline").asText());
        } else {
            Path dockerfile = context.resolve(build.path("dockerfile").asText("Dockerfile"));
            settings.put("dockerfile", relative(root, dockerfile.normalize(), service, "dockerfile", origin));
        }
        SourceSettings.copyMapping(build, "args", settings, "args");
        if (build.hasNonNull("target")) {
            settings.put("target", build.get("target").asText());
        }
        SourceSettings.copyList(build, "platforms", settings, "platforms");
        SourceSettings.copyMapping(build, "labels", settings, "labels");
        if (build.has("additional_contexts")) {
            ObjectNode contexts = settings.putObject("contexts");
            build.get("additional_contexts").properties().forEach(entry -> {
                String value = entry.getValue().asText();
                contexts.put(
                        entry.getKey(),
                        value.startsWith("/")
                                ? relative(root, Path.of(value), service, "context '" + entry.getKey() + "'", origin)
                                : value);
            });
        }
        if (build.has("secrets")) {
            settings.set("secrets", secrets(service, build.get("secrets"), declaredSecrets, origin));
        }
        SourceSettings.copyList(build, "ssh", settings, "ssh");
        SourceSettings.copyRunSettings(
                build, List.of("network", "extra_hosts", "shm_size", "ulimits", "entitlements"), settings);
        if (build.path("privileged").asBoolean(false)) {
            // What compose asks of the builder for a privileged build.
            JsonNode entitlements = settings.get("entitlements");
            if (entitlements == null) {
                settings.putArray("entitlements").add("security.insecure");
            } else if (entitlements.isArray()) {
                ((ArrayNode) entitlements).add("security.insecure");
            }
        }
        String image = definition.path("image").asText("");
        if (!image.isEmpty()) {
            String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
            String repository = ImageNames.repositoryOf(withoutDigest);
            if (!ImageNames.isValidRepository(repository)) {
                throw new ConfigException(
                        origin.file(),
                        origin.line(),
                        "service '" + service + "': image '" + image + "' is not a valid image reference (lower-case"
                                + " repository, an optional :tag)");
            }
            settings.put("repository", repository);
            if (!withoutDigest.equals(repository) && !image.contains("@")) {
                settings.putArray("tags").add(withoutDigest.substring(repository.length() + 1));
            }
        }
        return settings;
    }

    /**
     * A service's {@code build.secrets} ({@code [npmrc]} or {@code [{source: npmrc, target: id}]}) in deja.yaml's
     * words: the id BuildKit sees (the target, else the source) and where the top-level {@code secrets:} entry
     * reads it, a file or {@code env:NAME}.
     */
    private static ObjectNode secrets(String service, JsonNode used, JsonNode declared, ComposeReader.Origin origin) {
        ObjectNode out = JSON.objectNode();
        for (JsonNode secret : used.isArray() ? used : JSON.arrayNode().add(used)) {
            String source = secret.isObject() ? secret.path("source").asText("") : secret.asText();
            String id = secret.isObject() ? secret.path("target").asText(source) : source;
            JsonNode definition = declared.path(source);
            String from = definition.hasNonNull("file")
                    ? definition.get("file").asText()
                    : definition.hasNonNull("environment")
                            ? ImageEntry.SECRET_FROM_ENVIRONMENT
                                    + definition.get("environment").asText()
                            : null;
            if (from == null) {
                throw new ConfigException(
                        origin.file(),
                        origin.line(),
                        "service '" + service + "' uses the build secret '" + source + "', which no top-level"
                                + " secrets: entry declares with file: or environment:");
            }
            out.put(id, from);
        }
        return out;
    }

    private static String relative(Path root, Path path, String service, String what, ComposeReader.Origin origin) {
        return SourceSettings.relative(root, path, "service '" + service + "': " + what, origin.file(), origin.line());
    }
}
