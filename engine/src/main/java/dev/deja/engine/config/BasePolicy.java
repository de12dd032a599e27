package dev.deja.engine.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How images from outside the repository (base images) enter states: deja.yaml's {@code bases:}. */
public enum BasePolicy {
    /** Resolve every base to its digest on every run: a tag moved upstream changes the states that use it. */
    @JsonProperty("track")
    TRACK,
    /** Take every base's digest from deja.lock ({@code deja lock} writes it): runs are reproducible and offline. */
    @JsonProperty("lock")
    LOCK,
    /** Leave bases out of states (deja before 0.3): a base that moves upstream is never rebuilt on. Unsafe. */
    @JsonProperty("ignore")
    IGNORE
}
