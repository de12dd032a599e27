package dev.deja.engine.config;

import java.util.List;

/**
 * {@code discover:} in deja.yaml: {@code true}, {@code false}, or a mapping that turns discovery on with settings.
 *
 * @param enabled whether the checkout's Dockerfiles become images besides those of {@code images:}
 * @param exclude {@code .dockerignore}-style patterns of Dockerfiles (or their folders) never to discover
 */
public record DiscoverConfig(Boolean enabled, List<String> exclude) {

    public static final DiscoverConfig OFF = new DiscoverConfig(false, List.of());
    public static final DiscoverConfig ON = new DiscoverConfig(true, List.of());

    public DiscoverConfig {
        enabled = enabled == null || enabled;
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
    }

    /** {@code discover: true} or {@code discover: false}. */
    public static DiscoverConfig of(boolean enabled) {
        return enabled ? ON : OFF;
    }

    /** {@code discover: {exclude: [...]}}. */
    public static DiscoverConfig of(List<String> exclude) {
        return new DiscoverConfig(true, exclude);
    }

    public boolean on() {
        return enabled;
    }
}
