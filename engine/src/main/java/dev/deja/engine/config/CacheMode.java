package dev.deja.engine.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where build cache metadata goes. */
public enum CacheMode {
    /** Cache metadata inside the pushed image ({@code --cache-to type=inline}). */
    @JsonProperty("inline")
    INLINE,
    /** A separate {@code <repo>:buildcache} with every layer ({@code mode=max}). */
    @JsonProperty("registry")
    REGISTRY,
    /** No cache export. */
    @JsonProperty("none")
    NONE
}
