package dev.deja.engine.project;

/**
 * How an image's tags are written in its repository: for repositories that keep several images, each image's
 * tags carry its name ({@code <repo>:api-s1-…}, {@code <repo>:api-main}). Every tag deja writes or looks for, the
 * state tag, commit, branch and {@code latest} alike, goes through it.
 */
public record TagFormat(String prefix, String suffix) {

    public static final TagFormat PLAIN = new TagFormat("", "");

    /** Longest prefix and suffix together: a state tag (43) must still fit in an OCI tag (128). */
    public static final int MAX_AFFIXES = 128 - 43;

    public TagFormat {
        prefix = prefix == null ? "" : prefix;
        suffix = suffix == null ? "" : suffix;
    }

    /** {@code tag} as written in the repository. */
    /** A tag as written in the repository without this format's prefix and suffix (the tag itself if it has none). */
    public String strip(String tag) {
        if (tag.startsWith(prefix) && tag.endsWith(suffix) && tag.length() >= prefix.length() + suffix.length()) {
            return tag.substring(prefix.length(), tag.length() - suffix.length());
        }
        return tag;
    }

    public String apply(String tag) {
        return prefix + tag + suffix;
    }
}
