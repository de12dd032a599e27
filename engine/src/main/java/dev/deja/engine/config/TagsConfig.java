package dev.deja.engine.config;

/**
 * Which extra tags a build or reuse writes besides the state tag.
 *
 * @param commit   tag {@code <repo>:<git commit sha>}
 * @param branch   tag {@code <repo>:<branch, slugged>}
 * @param latestOn tag {@code :latest} when building this branch ("" for never)
 */
public record TagsConfig(Boolean commit, Boolean branch, String latestOn) {

    public static final TagsConfig DEFAULT = new TagsConfig(true, true, "");

    public TagsConfig {
        commit = commit == null || commit;
        branch = branch == null || branch;
        latestOn = latestOn == null ? "" : latestOn;
    }
}
