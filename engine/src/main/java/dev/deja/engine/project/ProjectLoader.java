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
import dev.deja.packer.InputException;
import dev.deja.packer.context.RepoPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
        return fromConfig(found.root(), withRegistry(found.config(), registryOverride), found.searchFrom());
    }

    public Project load(Path startDir, Path configFile) {
        return load(startDir, configFile, null);
    }

    /**
     * The project whose root is known: {@code root}'s deja.yaml (or {@code configFile}), else the compose or bake
     * file found from {@code searchFrom} up to {@code root} — a project as it was at a commit, written out to a
     * folder that is no git checkout.
     */
    public Project loadAt(Path root, Path searchFrom, Path configFile, String registryOverride) {
        Path deja = root.resolve(ConfigLoader.FILE_NAME);
        if (configFile != null || Files.isRegularFile(deja)) {
            return load(root, configFile, registryOverride);
        }
        return fromConfig(
                root,
                withRegistry(ConfigFile.none(), registryOverride),
                searchFrom.startsWith(root) ? searchFrom : root);
    }

    /** {@code config} with {@code --registry} in place of its registry, when given. */
    private static ConfigFile withRegistry(ConfigFile config, String registryOverride) {
        return registryOverride == null ? config : config.withRegistry(registryOverride.replaceAll("/+$", ""));
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

    /**
     * @param searchFrom where the search for a compose or bake file starts, going up to {@code root}
     * @throws InputException with what was noticed before it ({@link InputException#earlier}): an unset variable
     *     that made a value invalid is said with the error it caused
     */
    Project fromConfig(Path root, ConfigFile config, Path searchFrom) {
        List<Notice> notices = new ArrayList<>();
        try {
            return fromConfig(root, config, searchFrom, notices);
        } catch (InputException e) {
            throw e.after(notices.stream().map(notice -> notice.describe(root)).toList());
        }
    }

    private Project fromConfig(Path root, ConfigFile config, Path searchFrom, List<Notice> notices) {
        Path configPath = config.file() != null ? config.file() : root;
        if (!config.localMode() && !ImageNames.isValidRepository(config.registry())) {
            throw new ConfigException(
                    configPath,
                    lineOf(config, "registry:"),
                    "registry '" + config.registry() + "' is not a valid repository prefix"
                            + " (host[:port]/path, lower-case path; from deja.yaml or --registry)");
        }
        List<ImageDefinition> images = new ArrayList<>();
        Optional<ImageSources.Source> source = config.from().isEmpty()
                ? (config.images().isEmpty() ? ImageSources.detect(searchFrom, root, environment) : Optional.empty())
                : Optional.of(ImageSources.named(root, config.from(), configPath));
        Map<String, ImageEntry> configured = new LinkedHashMap<>(config.images());
        Map<String, ImageEntry> entries = new LinkedHashMap<>();
        Map<String, Path> declaredIn = new HashMap<>();
        if (source.isPresent()) {
            List<SourceImage> sourceImages = ImageSources.read(source.get(), root, environment, notices::add);
            if (sourceImages.isEmpty()) {
                notices.add(new Notice(
                        source.get().files().get(0),
                        0,
                        "no image to build here (compose: a service with build:; bake: a target of the default"
                                + " group)"));
            }
            for (SourceImage image : sourceImages) {
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
        entries.forEach((name, entry) -> images.add(Definitions.define(
                root, declaredIn.getOrDefault(name, configPath), name, entry, outputs, config, home())));
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
        return project;
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

    /** Where {@code ~/} in a secret's or SSH key's path leads: {@code $HOME}, else the JVM's idea of it. */
    private Path home() {
        String home = environment.getOrDefault("HOME", "");
        return Path.of(home.isEmpty() ? System.getProperty("user.home") : home);
    }
}
