package dev.deja.engine.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deja.engine.config.ConfigException;
import dev.deja.engine.config.DotEnv;
import dev.deja.engine.config.Interpolator;
import dev.deja.engine.config.Notice;
import dev.deja.engine.config.YamlDocument;
import dev.deja.packer.dockerfile.Dockerfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads compose files into the model {@code docker compose config --format json} prints, for the part deja needs
 * (each service's {@code build} and {@code image}): {@code .env} and environment interpolation, the override file,
 * {@code extends} (also from other files), {@code include:} (other projects), profiles, anchors, merge keys and
 * {@code x-} keys; build contexts as
 * absolute paths, list forms of args, labels and contexts turned into mappings.
 */
public final class ComposeReader {

    /** The files compose looks for, in its order; the first found is the project's. */
    public static final List<String> DEFAULT_FILES =
            List.of("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml");

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** The parsed files and where each service was written. */
    private final Map<Path, YamlDocument> documents = new HashMap<>();

    private final Map<String, String> variables;
    private final Consumer<Notice> notices;
    /** The top-level {@code secrets:} of the files read, a later file's over an earlier's; files made absolute. */
    private final ObjectNode secrets = JSON.objectNode();

    /**
     * @param projectDir  the folder of the first compose file: its {@code .env} is read
     * @param environment deja's environment (it wins over {@code .env})
     */
    public ComposeReader(Path projectDir, Map<String, String> environment, Consumer<Notice> notices) {
        this.variables = DotEnv.withEnvironment(projectDir, environment);
        this.notices = notices;
    }

    /** The compose file of {@code dir} and its override file, as compose picks them; empty when there is none. */
    public static List<Path> defaultFiles(Path dir) {
        for (String name : DEFAULT_FILES) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                List<Path> files = new ArrayList<>(List.of(file));
                String base = name.substring(0, name.lastIndexOf('.'));
                String extension = name.substring(name.lastIndexOf('.'));
                for (String ext : List.of(extension, extension.equals(".yml") ? ".yaml" : ".yml")) {
                    Path override = dir.resolve(base + ".override" + ext);
                    if (Files.isRegularFile(override)) {
                        files.add(override);
                        break;
                    }
                }
                return files;
            }
        }
        return List.of();
    }

    /** Where a service is written (its file and the line of its name), for messages. */
    public record Origin(Path file, int line) {}

    /**
     * The resolved services, each later file merged over the earlier ones, extends applied, inactive profiles
     * left out.
     *
     * @return {@code {"services": {...}}} shaped like compose's own output
     */
    public Resolved read(List<Path> files) {
        ObjectNode services = JSON.objectNode();
        Map<String, Origin> origins = new HashMap<>();
        collect(files, services, origins, new LinkedHashSet<>());
        Set<String> active = activeProfiles();
        ObjectNode out = JSON.objectNode();
        ObjectNode kept = out.putObject("services");
        services.properties().forEach(entry -> {
            JsonNode profiles = entry.getValue().path("profiles");
            boolean on = profiles.isEmpty() || strings(profiles).stream().anyMatch(active::contains);
            if (on) {
                ObjectNode service = (ObjectNode) entry.getValue();
                service.remove("profiles");
                kept.set(entry.getKey(), service);
            }
        });
        if (!secrets.isEmpty()) {
            out.set("secrets", secrets);
        }
        return new Resolved(out, origins);
    }

    /**
     * The services of {@code files} (each merged over the ones before) and of the projects they {@code include:},
     * into {@code services}.
     *
     * @param including the included files on the way here, to refuse a file that includes itself
     */
    private void collect(List<Path> files, ObjectNode services, Map<String, Origin> origins, Set<Path> including) {
        Set<String> included = new HashSet<>();
        for (Path file : files) {
            for (Include include : includes(file)) {
                if (!including.add(include.files().get(0))) {
                    throw new ConfigException(
                            file, include.line(), "include: " + include.files().get(0) + " includes itself");
                }
                ObjectNode fromInclude = JSON.objectNode();
                Map<String, Origin> includedOrigins = new HashMap<>();
                // An included project sees the including one's variables (its .env too), over its own .env.
                ComposeReader includedProject = new ComposeReader(include.projectDir(), variables, notices);
                includedProject.collect(include.files(), fromInclude, includedOrigins, including);
                includedProject.secrets.properties().forEach(entry -> {
                    if (!secrets.has(entry.getKey())) {
                        secrets.set(entry.getKey(), entry.getValue());
                    }
                });
                including.remove(include.files().get(0));
                fromInclude.properties().forEach(entry -> {
                    if (services.has(entry.getKey())) {
                        throw new ConfigException(
                                file,
                                include.line(),
                                "service '" + entry.getKey() + "' of the included "
                                        + include.files().get(0) + " is defined more than once");
                    }
                    services.set(entry.getKey(), entry.getValue());
                    origins.put(entry.getKey(), includedOrigins.get(entry.getKey()));
                    included.add(entry.getKey());
                });
            }
            secrets.setAll(secrets(file));
            ObjectNode fileServices = services(file);
            Map<String, Origin> fileOrigins = new HashMap<>();
            fileServices.fieldNames().forEachRemaining(name -> fileOrigins.put(name, origin(file, name)));
            resolveExtends(file, fileServices, fileOrigins);
            fileServices.properties().forEach(entry -> {
                if (included.contains(entry.getKey())) {
                    // compose refuses it too: an included project's services are not overridden, they clash.
                    throw new ConfigException(
                            file,
                            fileOrigins.get(entry.getKey()).line(),
                            "service '" + entry.getKey() + "' is defined here and in an included project");
                }
                JsonNode before = services.get(entry.getKey());
                services.set(entry.getKey(), before == null ? entry.getValue() : merge(before, entry.getValue()));
                origins.putIfAbsent(entry.getKey(), fileOrigins.get(entry.getKey()));
            });
        }
    }

    /**
     * One entry of a top-level {@code include:}: another compose project, with its own folder (its {@code .env}).
     *
     * @param files the included files, the first one the project's
     */
    private record Include(List<Path> files, Path projectDir, int line) {}

    /** {@code include: [path, {path: [a, b], project_directory: dir}]}, paths relative to {@code file}. */
    private List<Include> includes(Path file) {
        YamlDocument document = document(file);
        JsonNode include = document.root().path("include");
        if (include.isMissingNode() || include.isNull()) {
            return List.of();
        }
        if (!include.isArray()) {
            throw new ConfigException(file, document.line("/include"), "'include' must be a list");
        }
        List<Include> out = new ArrayList<>();
        for (int i = 0; i < include.size(); i++) {
            JsonNode entry = include.get(i);
            int line = document.line("/include/" + i);
            List<String> paths = entry.isTextual()
                    ? List.of(entry.asText())
                    : entry.path("path").isTextual()
                            ? List.of(entry.path("path").asText())
                            : strings(entry.path("path"));
            if (paths.isEmpty()) {
                throw new ConfigException(file, line, "an include entry needs a path");
            }
            List<Path> files = paths.stream()
                    .map(path -> file.getParent().resolve(path).normalize())
                    .toList();
            Path projectDir = entry.hasNonNull("project_directory")
                    ? file.getParent()
                            .resolve(entry.get("project_directory").asText())
                            .normalize()
                    : files.get(0).getParent();
            out.add(new Include(files, projectDir, line));
        }
        return out;
    }

    /** The resolved model and where each service came from. */
    public record Resolved(ObjectNode model, Map<String, Origin> origins) {}

    private Set<String> activeProfiles() {
        String value = variables.getOrDefault("COMPOSE_PROFILES", "");
        Set<String> active = new LinkedHashSet<>();
        Arrays.stream(value.split(","))
                .map(String::strip)
                .filter(p -> !p.isEmpty())
                .forEach(active::add);
        return active;
    }

    private Origin origin(Path file, String service) {
        return new Origin(file, document(file).line(YamlDocument.pointer("/services", service)));
    }

    private YamlDocument document(Path file) {
        return documents.computeIfAbsent(file, f -> {
            if (!Files.isRegularFile(f)) {
                throw new ConfigException(f, "compose file does not exist");
            }
            return YamlDocument.read(
                    f,
                    new YamlDocument.Reading(
                            path -> path.isEmpty()
                                    || (path.size() == 2 && path.get(0).equals("services"))
                                    || (path.size() == 3
                                            && path.get(0).equals("services")
                                            && path.get(2).equals("build")),
                            Interpolator.lenient(variables, warning -> notices.accept(new Notice(null, 0, warning)))));
        });
    }

    /** The top-level {@code secrets:} of one file, each {@code file:} made absolute from it ({@code ~} kept). */
    private ObjectNode secrets(Path file) {
        YamlDocument document = document(file);
        JsonNode declared = document.root() == null ? null : document.root().get("secrets");
        ObjectNode out = JSON.objectNode();
        if (declared == null || declared.isNull()) {
            return out;
        }
        if (!declared.isObject()) {
            throw new ConfigException(file, document.line("/secrets"), "'secrets' must be a mapping");
        }
        declared.properties().forEach(entry -> {
            if (!entry.getValue().isObject()) {
                return;
            }
            ObjectNode secret = ((ObjectNode) entry.getValue()).deepCopy();
            String path = secret.path("file").asText("");
            if (!path.isEmpty()) {
                secret.put("file", SourceSettings.fromFolder(file.getParent(), path));
            }
            out.set(entry.getKey(), secret);
        });
        return out;
    }

    /** The services of one file, with build sections normalized and contexts made absolute (from that file). */
    private ObjectNode services(Path file) {
        YamlDocument document = document(file);
        JsonNode root = document.root();
        if (root.isNull()) {
            return JSON.objectNode();
        }
        if (!root.isObject()) {
            throw new ConfigException(file, 1, "a compose file must be a mapping (services:, …)");
        }
        JsonNode services = root.path("services");
        if (services.isMissingNode() || services.isNull()) {
            return JSON.objectNode();
        }
        if (!services.isObject()) {
            throw new ConfigException(file, document.line("/services"), "'services' must be a mapping");
        }
        ObjectNode out = JSON.objectNode();
        services.properties().forEach(entry -> {
            String pointer = YamlDocument.pointer("/services", entry.getKey());
            JsonNode service = entry.getValue();
            if (service.isNull()) {
                service = JSON.objectNode();
            }
            if (!service.isObject()) {
                throw new ConfigException(
                        file, document.line(pointer), "service '" + entry.getKey() + "' must be a mapping");
            }
            out.set(entry.getKey(), normalized(file, document, pointer, (ObjectNode) service.deepCopy()));
        });
        return out;
    }

    private ObjectNode normalized(Path file, YamlDocument document, String pointer, ObjectNode service) {
        JsonNode build = service.get("build");
        if (build == null || build.isNull()) {
            service.remove("build");
            return service;
        }
        ObjectNode section;
        if (build.isTextual()) {
            section = JSON.objectNode().put("context", build.asText());
        } else if (build.isObject()) {
            section = (ObjectNode) build;
        } else {
            throw new ConfigException(
                    file, document.line(pointer + "/build"), "'build' must be a path or a mapping (context:, …)");
        }
        String context = section.path("context").asText(".");
        if (!Dockerfile.isRemoteSource(context)) {
            section.put("context", file.getParent().resolve(context).normalize().toString());
        }
        for (String key : List.of("args", "labels", "additional_contexts")) {
            if (section.has(key)) {
                section.set(
                        key, mapping(file, document, pointer + "/build/" + key, section.get(key), key.equals("args")));
            }
        }
        if (section.get("additional_contexts") instanceof ObjectNode contexts) {
            contexts.properties().forEach(entry -> {
                String value = entry.getValue().asText();
                if (!value.matches("[A-Za-z][A-Za-z0-9+.-]*:.*")) {
                    entry.setValue(JSON.textNode(
                            file.getParent().resolve(value).normalize().toString()));
                }
            });
        }
        if (section.has("ssh")) {
            section.set("ssh", ssh(file, section.get("ssh")));
        }
        service.set("build", section);
        return service;
    }

    /**
     * {@code build.ssh} as a list of {@code default}, {@code ID} or {@code ID=PATH} (a mapping's entries too), the
     * paths made absolute from {@code file}.
     */
    private static ArrayNode ssh(Path file, JsonNode ssh) {
        List<String> entries = new ArrayList<>();
        if (ssh.isObject()) {
            ssh.properties()
                    .forEach(entry -> entries.add(
                            entry.getValue().isNull()
                                            || entry.getValue().asText().isEmpty()
                                    ? entry.getKey()
                                    : entry.getKey() + "=" + entry.getValue().asText()));
        } else if (ssh.isArray()) {
            ssh.forEach(entry -> entries.add(entry.asText()));
        } else {
            entries.add(ssh.asText());
        }
        ArrayNode out = JSON.arrayNode();
        entries.forEach(entry -> out.add(SourceSettings.sshEntry(file.getParent(), entry)));
        return out;
    }

    /** {@code [A=1, B]} or {@code {A: 1, B: }}: a mapping; a bare {@code B} takes the environment's value. */
    private ObjectNode mapping(
            Path file, YamlDocument document, String pointer, JsonNode node, boolean fromEnvironment) {
        ObjectNode out = JSON.objectNode();
        if (node.isArray()) {
            for (JsonNode item : node) {
                String text = item.asText();
                int eq = text.indexOf('=');
                if (eq > 0) {
                    out.put(text.substring(0, eq), text.substring(eq + 1));
                } else if (fromEnvironment) {
                    putFromEnvironment(out, text);
                } else {
                    out.put(text, "");
                }
            }
        } else if (node.isObject()) {
            node.properties().forEach(entry -> {
                if (entry.getValue().isNull() && fromEnvironment) {
                    putFromEnvironment(out, entry.getKey());
                } else {
                    out.put(
                            entry.getKey(),
                            entry.getValue().isNull() ? "" : entry.getValue().asText());
                }
            });
        } else {
            throw new ConfigException(
                    file,
                    document.line(pointer),
                    "'" + pointer.substring(pointer.lastIndexOf('/') + 1)
                            + "' must be a mapping or a list of NAME=value");
        }
        return out;
    }

    private void putFromEnvironment(ObjectNode out, String name) {
        String value = variables.get(name);
        if (value != null) {
            out.put(name, value);
        }
    }

    /** Applies {@code extends} within the services of one file (and the files they name). */
    private void resolveExtends(Path file, ObjectNode services, Map<String, Origin> origins) {
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            services.set(name, extended(file, services, name, new LinkedHashSet<>()));
        }
    }

    private ObjectNode extended(Path file, ObjectNode services, String name, Set<String> chain) {
        ObjectNode service = (ObjectNode) services.get(name);
        if (service == null) {
            throw new ConfigException(file, "extends names service '" + name + "', which this file does not have");
        }
        JsonNode extendsNode = service.get("extends");
        if (extendsNode == null) {
            return service;
        }
        String key = file + "#" + name;
        if (!chain.add(key)) {
            throw new ConfigException(
                    file,
                    origin(file, name).line(),
                    "service '" + name + "' extends itself through " + String.join(" -> ", chain));
        }
        String baseName;
        Path baseFile = file;
        if (extendsNode.isTextual()) {
            baseName = extendsNode.asText();
        } else {
            baseName = extendsNode.path("service").asText("");
            if (extendsNode.hasNonNull("file")) {
                baseFile = file.getParent()
                        .resolve(extendsNode.get("file").asText())
                        .normalize();
            }
        }
        if (baseName.isEmpty()) {
            throw new ConfigException(
                    file, origin(file, name).line(), "service '" + name + "': extends needs a service name");
        }
        ObjectNode baseServices = baseFile.equals(file) ? services : services(baseFile);
        if (!baseServices.has(baseName)) {
            throw new ConfigException(
                    file,
                    origin(file, name).line(),
                    "service '" + name + "' extends '" + baseName + "', which " + baseFile.getFileName()
                            + " does not define");
        }
        ObjectNode base = extended(baseFile, baseServices, baseName, chain).deepCopy();
        service.remove("extends");
        return (ObjectNode) merge(base, service);
    }

    /** Compose's merge for what deja reads: mappings key by key, anything else replaced by the later value. */
    public static JsonNode merge(JsonNode base, JsonNode over) {
        if (!(base instanceof ObjectNode baseObject) || !(over instanceof ObjectNode overObject)) {
            return over.deepCopy();
        }
        ObjectNode out = baseObject.deepCopy();
        overObject.properties().forEach(entry -> {
            JsonNode before = out.get(entry.getKey());
            out.set(entry.getKey(), before == null ? entry.getValue().deepCopy() : merge(before, entry.getValue()));
        });
        return out;
    }

    /** A list of strings in a compose value, or none. */
    static List<String> strings(JsonNode node) {
        if (node == null || !node.isArray()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        ((ArrayNode) node).forEach(item -> out.add(item.asText()));
        return out;
    }
}
