package dev.deja.engine.project;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deja.engine.config.ConfigException;
import dev.deja.engine.config.ConfigFile;
import dev.deja.engine.config.ConfigLoader;
import dev.deja.engine.config.ImageEntry;
import dev.deja.engine.config.ImageNames;
import dev.deja.engine.config.Notice;
import dev.deja.engine.git.Git;
import dev.deja.engine.source.ComposeReader;
import dev.deja.engine.source.ImageSources;
import dev.deja.engine.source.SourceImage;
import dev.deja.packer.context.RepoPath;
import dev.deja.packer.dockerfile.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Finds the project root, reads deja.yaml and turns it (and, without a config or with {@code discover: true}, the
 * Dockerfiles of the checkout) into validated {@link ImageDefinition}s.
 */
public final class ProjectLoader {

    private final ConfigLoader configLoader;
    private final Map<String, String> environment;

    /** @param environment the variables deja.yaml's {@code ${VAR}} may name (besides those of {@code .env}) */
    public ProjectLoader(Map<String, String> environment) {
        this.configLoader = new ConfigLoader(environment);
        this.environment = Map.copyOf(environment);
    }

    /** A loader for which only {@code .env} defines variables. */
    public ProjectLoader() {
        this(Map.of());
    }

    /**
     * @param startDir         where to start looking ({@code -C}, or the current folder)
     * @param configFile       an explicit config ({@code -c}), or {@code null}
     * @param registryOverride {@code --registry}, or {@code null}
     */
    public Project load(Path startDir, Path configFile, String registryOverride) {
        Found found = find(startDir, configFile);
        ConfigFile config = registryOverride == null
                ? found.config()
                : found.config().withRegistry(registryOverride.replaceAll("/+$", ""));
        return fromConfig(found.root(), config, found.searchFrom());
    }

    public Project load(Path startDir, Path configFile) {
        return load(startDir, configFile, null);
    }

    /**
     * Where the project is and what configures it.
     *
     * @param searchFrom without a deja.yaml, where the search for a compose or bake file starts (it goes up to the
     *                   root)
     */
    private record Found(Path root, ConfigFile config, Path searchFrom) {}

    private Found find(Path startDir, Path configFile) {
        Path start = startDir.toAbsolutePath().normalize();
        if (!Files.isDirectory(start)) {
            throw new ConfigException(start, "no such folder");
        }
        if (configFile != null) {
            Path file = start.resolve(configFile).toAbsolutePath().normalize();
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(file, "config file does not exist");
            }
            return new Found(file.getParent(), configLoader.load(file), file.getParent());
        }
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(ConfigLoader.FILE_NAME);
            if (Files.isRegularFile(candidate)) {
                return new Found(dir, configLoader.load(candidate), dir);
            }
        }
        Path gitTop = Git.topLevel(start).orElse(null);
        if (gitTop == null) {
            Optional<String> refusal = Git.refusal(start);
            throw new ConfigException(
                    start,
                    refusal.map(message -> "git refuses this checkout: " + message)
                            .orElse("no " + ConfigLoader.FILE_NAME
                                    + " here or above, and not inside a git checkout: nothing says which images to"
                                    + " build"));
        }
        return new Found(gitTop, ConfigFile.none(), start.startsWith(gitTop) ? start : gitTop);
    }

    Project fromConfig(Path root, ConfigFile config) {
        return fromConfig(root, config, root);
    }

    /** @param searchFrom where the search for a compose or bake file starts, going up to {@code root} */
    Project fromConfig(Path root, ConfigFile config, Path searchFrom) {
        Path configPath = config.file() != null ? config.file() : root;
        if (!config.localMode() && !ImageNames.isValidRepository(config.registry())) {
            throw new ConfigException(
                    configPath,
                    lineOf(config, "registry:"),
                    "registry '" + config.registry() + "' is not a valid repository prefix"
                            + " (host[:port]/path, lower-case path; from deja.yaml or --registry)");
        }
        List<ImageDefinition> images = new ArrayList<>();
        List<Notice> notices = new ArrayList<>();
        Optional<ImageSources.Source> source = config.from().isEmpty()
                ? (config.images().isEmpty() ? ImageSources.detect(searchFrom, root) : Optional.empty())
                : Optional.of(ImageSources.named(root, config.from(), configPath));
        Map<String, ImageEntry> configured = new LinkedHashMap<>(config.images());
        Map<String, ImageEntry> entries = new LinkedHashMap<>();
        Map<String, Path> declaredIn = new HashMap<>();
        if (source.isPresent()) {
            for (SourceImage image : ImageSources.read(source.get(), root, environment, notices::add)) {
                ObjectNode over = config.settings().get(image.name());
                configured.remove(image.name());
                entries.put(
                        image.name(),
                        over == null
                                ? configLoader.entry(image.name(), image.settings(), image.file(), image.line())
                                : configLoader.entry(
                                        image.name(),
                                        ComposeReader.merge(image.settings(), over),
                                        configPath,
                                        config.images().get(image.name()).line()));
                declaredIn.put(image.name(), over == null ? image.file() : configPath);
            }
        }
        entries.putAll(configured);
        // Folders that builds write: what lies under them need not exist before the build that writes it.
        Set<String> outputs = entries.values().stream()
                .map(ImageEntry::output)
                .filter(output -> !output.isEmpty())
                .map(RepoPath::normalizeOrNull)
                .filter(output -> output != null)
                .collect(Collectors.toSet());
        entries.forEach((name, entry) ->
                images.add(define(root, declaredIn.getOrDefault(name, configPath), name, entry, outputs, config)));
        if (config.discover().on() || (config.images().isEmpty() && source.isEmpty())) {
            Set<String> names = new HashSet<>();
            images.forEach(image -> {
                names.add(image.name());
                names.addAll(image.aliases());
            });
            Discovery.Result discovered = new Discovery(root, config.discover())
                    .discover(images.stream().map(ImageDefinition::dockerfile).collect(Collectors.toSet()), names);
            images.addAll(discovered.images());
            notices.addAll(discovered.notices());
        }
        checkUnique(images, configPath);
        Project project = new Project(root, config, images, notices, source);
        if (!project.localMode() && config.localMode()) {
            images.stream()
                    .filter(image -> !ImageNames.hasRegistryHost(image.repository()))
                    .findFirst()
                    .ifPresent(image -> {
                        throw new ConfigException(
                                image.declaredIn(),
                                image.line(),
                                "image '" + image.name() + "' has no registry while other images name theirs: set"
                                        + " registry: in deja.yaml (or --registry), or give it a repository with a"
                                        + " registry host");
                    });
        }
        return project;
    }

    /** @param defaults the config whose top-level repository and tag affixes apply unless the image has its own */
    private ImageDefinition define(
            Path root, Path configPath, String name, ImageEntry entry, Set<String> outputs, ConfigFile defaults) {
        int line = entry.line();
        if (!ImageNames.isValidName(name)) {
            throw new ConfigException(
                    configPath,
                    line,
                    "image name '" + name + "' is not a valid repository name"
                            + " (lower-case letters, digits, and . _ - / between them)");
        }
        boolean inline = !entry.dockerfileInline().isEmpty();
        boolean named = entry.dockerfile() != null && !entry.dockerfile().isBlank();
        if (!inline && !named) {
            throw new ConfigException(configPath, line, "image '" + name + "' needs 'dockerfile:'");
        }
        if (inline && named) {
            throw new ConfigException(
                    configPath, line, "image '" + name + "': give 'dockerfile:' or 'dockerfile_inline:', not both");
        }
        String dockerfile = inline ? "" : repoPath(configPath, line, name, "dockerfile", entry.dockerfile());
        if (!inline && !Files.isRegularFile(RepoPath.resolve(root, dockerfile))) {
            throw new ConfigException(
                    configPath, line, "image '" + name + "': dockerfile '" + dockerfile + "' does not exist");
        }
        String context = entry.context() == null
                ? RepoPath.parent(dockerfile)
                : repoPath(configPath, line, name, "context", entry.context());
        if (inline) {
            // Written into the context like any Dockerfile, under a name no real file takes.
            dockerfile = RepoPath.join(context, ImageDefinition.INLINE_DOCKERFILE);
        }
        if (!underAny(context, outputs)
                && !Files.isDirectory(RepoPath.resolve(root, context), LinkOption.NOFOLLOW_LINKS)) {
            throw new ConfigException(
                    configPath, line, "image '" + name + "': context '" + context + "' is not a folder");
        }
        List<String> includes = new ArrayList<>();
        for (String include : entry.include()) {
            String normalized = repoPath(configPath, line, name, "include", include);
            if (!underAny(normalized, outputs)
                    && !Files.exists(RepoPath.resolve(root, normalized), LinkOption.NOFOLLOW_LINKS)) {
                throw new ConfigException(
                        configPath, line, "image '" + name + "': include '" + include + "' does not exist");
            }
            includes.add(normalized);
        }
        for (String alias : entry.aliases()) {
            if (!ImageNames.isValidRepository(alias)) {
                throw new ConfigException(
                        configPath,
                        line,
                        "image '" + name + "': alias '" + alias
                                + "' is not a valid image name (no tag, lower-case path)");
            }
        }
        String output = entry.output().isEmpty() ? "" : repoPath(configPath, line, name, "output", entry.output());
        for (String platform : entry.platforms()) {
            if (!Platform.isValid(platform)) {
                throw new ConfigException(
                        configPath, line, "image '" + name + "': platform '" + platform + "' is not os/arch[/variant]");
            }
        }
        for (String argName : entry.args().keySet()) {
            if (!argName.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new ConfigException(
                        configPath, line, "image '" + name + "': build arg name '" + argName + "' is not valid");
            }
        }
        String repository = (entry.repository().isEmpty() ? nonNull(defaults.repository()) : entry.repository())
                .replace("{name}", name);
        if (!repository.isEmpty() && !ImageNames.isValidRepository(repository)) {
            throw new ConfigException(
                    configPath,
                    line,
                    "image '" + name + "': repository '" + repository
                            + "' is not a valid repository (host[:port]/path or a path, lower case, no tag)");
        }
        TagFormat tagFormat = new TagFormat(
                (entry.tagPrefix() != null ? entry.tagPrefix() : nonNull(defaults.tagPrefix())).replace("{name}", name),
                (entry.tagSuffix() != null ? entry.tagSuffix() : nonNull(defaults.tagSuffix()))
                        .replace("{name}", name));
        String affixes = tagFormat.prefix() + tagFormat.suffix();
        if (!affixes.isEmpty()
                && (affixes.length() > TagFormat.MAX_AFFIXES || !ImageNames.isValidTag(tagFormat.apply("s1-x")))) {
            throw new ConfigException(
                    configPath,
                    line,
                    "image '" + name + "': tag-prefix '" + tagFormat.prefix() + "' and tag-suffix '"
                            + tagFormat.suffix()
                            + "' do not make valid tags (letters, digits, _ . -; not starting with . or -; at most "
                            + TagFormat.MAX_AFFIXES + " together)");
        }
        for (String tag : entry.tags()) {
            if (!ImageNames.isValidTag(tag)) {
                throw new ConfigException(
                        configPath,
                        line,
                        "image '" + name + "': tag '" + tag + "' is not a valid tag (letters, digits, _ . -; at most"
                                + " 128; not starting with . or -)");
            }
        }
        for (String label : entry.labels().keySet()) {
            if (label.isBlank()) {
                throw new ConfigException(configPath, line, "image '" + name + "': a label needs a name");
            }
        }
        Map<String, NamedContext> contexts = new TreeMap<>();
        entry.contexts()
                .forEach((contextName, value) ->
                        contexts.put(contextName, namedContext(root, configPath, line, name, contextName, value)));
        return new ImageDefinition(
                name,
                dockerfile,
                context,
                includes,
                entry.exclude(),
                entry.args(),
                entry.target(),
                entry.platforms(),
                entry.aliases(),
                entry.dependsOn(),
                output,
                repository,
                entry.tags(),
                tagFormat,
                entry.labels(),
                contexts,
                entry.dockerfileInline(),
                configPath,
                line);
    }

    /**
     * {@code service:X} / {@code target:X}: an image of the project (checked by the graph, which knows them all);
     * {@code docker-image://ref}: an external image; anything else a folder of the repository.
     */
    private static NamedContext namedContext(
            Path root, Path configPath, int line, String image, String name, String value) {
        String where = "image '" + image + "': context '" + name + "'";
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_./:-]*")) {
            throw new ConfigException(configPath, line, where + " is not a valid context name");
        }
        for (String prefix : List.of("service:", "target:")) {
            if (value.startsWith(prefix)) {
                return new NamedContext(NamedContext.Kind.IMAGE, value.substring(prefix.length()));
            }
        }
        if (value.startsWith("docker-image://")) {
            String reference = value.substring("docker-image://".length());
            if (reference.isEmpty()) {
                throw new ConfigException(configPath, line, where + ": docker-image:// needs an image reference");
            }
            return new NamedContext(NamedContext.Kind.EXTERNAL, reference);
        }
        if (value.matches("(?i)[a-z][a-z0-9+.-]*://.*") || value.matches("[\\w.-]+@[\\w.-]+:.*")) {
            throw new ConfigException(
                    configPath,
                    line,
                    where + ": '" + value + "' is fetched by the builder, so deja cannot hash it; use a folder of the"
                            + " repository, docker-image://, or an image of the project (service:NAME)");
        }
        String folder = repoPath(configPath, line, image, "context '" + name + "'", value);
        if (!Files.isDirectory(RepoPath.resolve(root, folder), LinkOption.NOFOLLOW_LINKS)) {
            throw new ConfigException(configPath, line, where + ": '" + folder + "' is not a folder");
        }
        return new NamedContext(NamedContext.Kind.FOLDER, folder);
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }

    private static boolean underAny(String path, Set<String> folders) {
        return folders.stream().anyMatch(folder -> RepoPath.isWithin(path, folder));
    }

    private static String repoPath(Path configPath, int line, String image, String key, String value) {
        String normalized = RepoPath.normalizeOrNull(value);
        if (normalized == null) {
            throw new ConfigException(
                    configPath,
                    line,
                    "image '" + image + "': " + key + " '" + value
                            + "' leaves the repository (paths are relative to the project root)");
        }
        return normalized;
    }

    private static void checkUnique(List<ImageDefinition> images, Path configPath) {
        Map<String, ImageDefinition> seen = new HashMap<>();
        for (ImageDefinition image : images) {
            List<String> names = new ArrayList<>();
            names.add(image.name());
            names.addAll(image.aliases());
            for (String name : names) {
                ImageDefinition other = seen.putIfAbsent(name, image);
                if (other != null && other != image) {
                    throw new ConfigException(
                            image.line() > 0 ? configPath : image.declaredIn(),
                            image.line(),
                            "duplicate image name '" + name + "': used by " + describe(other) + " and "
                                    + describe(image));
                }
            }
        }
    }

    private static String describe(ImageDefinition image) {
        return "image '" + image.name() + "' (" + image.dockerfile() + ")";
    }

    private static int lineOf(ConfigFile config, String prefix) {
        if (config.file() == null) {
            return 0;
        }
        try {
            List<String> lines = Files.readAllLines(config.file());
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith(prefix)) {
                    return i + 1;
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }
}
