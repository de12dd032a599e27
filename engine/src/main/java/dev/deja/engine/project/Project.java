package dev.deja.engine.project;

import dev.deja.engine.config.ConfigFile;
import dev.deja.engine.config.ConfigLoader;
import dev.deja.engine.config.ImageNames;
import dev.deja.engine.config.Notice;
import dev.deja.engine.source.ImageSources;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A loaded project: its root, its config, its images (in config order, then discovered ones by path) and what deja
 * says about how it read them; {@code source} is the compose or bake file its images come from, if any.
 */
public final class Project {

    /** deja.lock: the digests of the base images ({@code bases: lock}). */
    public static final String LOCK_FILE = "deja.lock";

    /** The compose override file {@code deja env --format compose} is written to, by convention. */
    public static final String COMPOSE_OVERRIDE = "compose.deja.yaml";

    /** The digest cache folder the CI templates carry between jobs ({@code --digest-cache}), by convention. */
    public static final String CI_DIGEST_CACHE = ".deja-cache";

    /**
     * Files at the project root that no context holds unless an image includes them: git's folder and deja's own
     * files (editing deja.yaml for one image must not change the others; writing the states' references into
     * compose.deja.yaml, or a CI job's digest cache into .deja-cache, must not change a state).
     */
    public static final Set<String> LEFT_OUT =
            Set.of(".git", ConfigLoader.FILE_NAME, LOCK_FILE, COMPOSE_OVERRIDE, CI_DIGEST_CACHE);

    private final Path root;
    private final ConfigFile config;
    private final List<ImageDefinition> images;
    private final List<Notice> notices;
    private final Optional<ImageSources.Source> source;
    /** The images by name, made once: every step of a run looks images up by name, often per image. */
    private final Map<String, ImageDefinition> byName;

    public Project(
            Path root,
            ConfigFile config,
            List<ImageDefinition> images,
            List<Notice> notices,
            Optional<ImageSources.Source> source) {
        this.root = root;
        this.config = config;
        this.images = List.copyOf(images);
        this.notices = List.copyOf(notices);
        this.source = source;
        Map<String, ImageDefinition> index = new LinkedHashMap<>();
        this.images.forEach(image -> index.putIfAbsent(image.name(), image));
        this.byName = Collections.unmodifiableMap(index);
    }

    public Path root() {
        return root;
    }

    public ConfigFile config() {
        return config;
    }

    /** In config order, then discovered ones by path. */
    public List<ImageDefinition> images() {
        return images;
    }

    public List<Notice> notices() {
        return notices;
    }

    public Optional<ImageSources.Source> source() {
        return source;
    }

    public Optional<ImageDefinition> image(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The images by name, in {@link #images()} order. */
    public Map<String, ImageDefinition> byName() {
        return byName;
    }

    /**
     * Where an image lives: its own {@code repository:} when that names a registry host; else
     * {@code <registry>/<repository or name>}, or just the repository or name when no registry is set.
     */
    public String repository(String name) {
        String own = image(name).map(ImageDefinition::repository).orElse("");
        if (ImageNames.hasRegistryHost(own)) {
            return own;
        }
        String path = own.isEmpty() ? name : own;
        return config.localMode() ? path : config.registry() + "/" + path;
    }

    /** {@code <repository>:<tag>} of an image, the tag written as its repository wants (see {@link TagFormat}). */
    public String reference(String name, String tag) {
        return repository(name) + ":"
                + image(name)
                        .map(ImageDefinition::tagFormat)
                        .orElse(TagFormat.PLAIN)
                        .apply(tag);
    }

    /**
     * The first image that names no registry while others do: deja cannot tell where it lives (its states and its
     * children's would change with the registry it is given), so every command but {@code init} refuses the project.
     */
    public Optional<ImageDefinition> imageWithoutRegistry() {
        if (localMode() || !config.localMode()) {
            return Optional.empty();
        }
        return images.stream()
                .filter(image -> !ImageNames.hasRegistryHost(image.repository()))
                .findFirst();
    }

    /**
     * Without a registry deja works against the local daemon: no {@code registry:} and no image whose
     * {@code repository:} names a registry host.
     */
    public boolean localMode() {
        return config.localMode() && images.stream().noneMatch(i -> ImageNames.hasRegistryHost(i.repository()));
    }
}
