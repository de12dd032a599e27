package dev.deja.engine.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * deja.yaml as read.
 *
 * @param registry repository prefix ("" for local mode)
 * @param discover whether (and how) every Dockerfile of the checkout is an image too
 * @param from     the compose or bake files the images come from (project-relative), or none
 * @param repository every image's repository unless it names its own ({@code {name}} is the image's name), or
 *                   {@code null} for {@code <registry>/<name>}
 * @param tagPrefix  every image's tag prefix unless it names its own, or {@code null}
 * @param tagSuffix  every image's tag suffix unless it names its own, or {@code null}
 * @param bases    how images from outside the repository enter states (track, lock, ignore)
 * @param images   images by name, in file order; with {@code from}, what they add to or change in the source's
 * @param settings each image's settings as written (only the keys given), for laying over a source's
 * @param file     where it was read from ({@code null} when there is no config)
 */
public record ConfigFile(
        String registry,
        TagsConfig tags,
        CacheMode cache,
        DiscoverConfig discover,
        List<String> from,
        String repository,
        String tagPrefix,
        String tagSuffix,
        BasePolicy bases,
        Map<String, ImageEntry> images,
        Map<String, ObjectNode> settings,
        Path file) {

    public ConfigFile {
        registry = registry == null ? "" : registry.replaceAll("/+$", "");
        tags = tags == null ? TagsConfig.DEFAULT : tags;
        cache = cache == null ? CacheMode.INLINE : cache;
        discover = discover == null ? DiscoverConfig.OFF : discover;
        from = from == null ? List.of() : List.copyOf(from);
        bases = bases == null ? BasePolicy.TRACK : bases;
        images = images == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(images));
        settings = settings == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** No deja.yaml: discover every Dockerfile, local mode. */
    public static ConfigFile none() {
        return new ConfigFile(null, null, null, DiscoverConfig.OFF, null, null, null, null, null, null, null, null);
    }

    ConfigFile with(Map<String, ImageEntry> placedImages, Map<String, ObjectNode> written, Path source) {
        return new ConfigFile(
                registry,
                tags,
                cache,
                discover,
                from,
                repository,
                tagPrefix,
                tagSuffix,
                bases,
                placedImages,
                written,
                source);
    }

    /** The same config with another registry (the {@code --registry} option). */
    public ConfigFile withRegistry(String newRegistry) {
        return new ConfigFile(
                newRegistry,
                tags,
                cache,
                discover,
                from,
                repository,
                tagPrefix,
                tagSuffix,
                bases,
                images,
                settings,
                file);
    }

    public boolean localMode() {
        return registry.isEmpty();
    }
}
