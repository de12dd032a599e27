package dev.deja.engine.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * deja.yaml as read.
 *
 * @param registry repository prefix ("" for local mode)
 * @param discover whether (and how) every Dockerfile of the checkout is an image too
 * @param images   images by name, in file order
 * @param file     where it was read from ({@code null} when there is no config)
 */
public record ConfigFile(
        String registry,
        TagsConfig tags,
        CacheMode cache,
        DiscoverConfig discover,
        Map<String, ImageEntry> images,
        @JsonIgnore Path file) {

    public ConfigFile {
        registry = registry == null ? "" : registry.replaceAll("/+$", "");
        tags = tags == null ? TagsConfig.DEFAULT : tags;
        cache = cache == null ? CacheMode.INLINE : cache;
        discover = discover == null ? DiscoverConfig.OFF : discover;
        images = images == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(images));
    }

    /** No deja.yaml: discover every Dockerfile, local mode. */
    public static ConfigFile none() {
        return new ConfigFile(null, null, null, DiscoverConfig.ON, null, null);
    }

    ConfigFile with(Map<String, ImageEntry> placedImages, Path source) {
        return new ConfigFile(registry, tags, cache, discover, placedImages, source);
    }

    /** The same config with another registry (the {@code --registry} option). */
    public ConfigFile withRegistry(String newRegistry) {
        return new ConfigFile(newRegistry, tags, cache, discover, images, file);
    }

    public boolean localMode() {
        return registry.isEmpty();
    }
}
