package dev.deja.engine.project;

import dev.deja.engine.config.ConfigFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A loaded project: its root, its config, its images (in config order, then discovered ones by path) and what deja
 * says about how it read them.
 */
public record Project(Path root, ConfigFile config, List<ImageDefinition> images, List<Notice> notices) {

    public Project {
        images = List.copyOf(images);
        notices = List.copyOf(notices);
    }

    public Optional<ImageDefinition> image(String name) {
        return images.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    public Map<String, ImageDefinition> byName() {
        return images.stream()
                .collect(Collectors.toMap(ImageDefinition::name, Function.identity(), (a, b) -> a, LinkedHashMap::new));
    }

    /** Where an image lives: {@code <registry>/<name>}, or just the name in local mode. */
    public String repository(String name) {
        return config.localMode() ? name : config.registry() + "/" + name;
    }

    /** The config file, or the root when there is none, for messages. */
    public Path configPath() {
        return config.file() != null ? config.file() : root;
    }
}
