package dev.deja.engine.config;

import java.util.regex.Pattern;

/** The reference grammar deja accepts for image names and aliases (that of the distribution spec). */
public final class ImageNames {

    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final Pattern NAME = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?");

    private ImageNames() {}

    /** A repository path such as {@code service1} or {@code acme/shared}: lower case, no tag. */
    public static boolean isValidName(String name) {
        return name.length() <= 255 && NAME.matcher(name).matches();
    }

    /** A name, optionally behind a registry host: {@code registry.example.com:5000/acme/shared}. */
    public static boolean isValidRepository(String repository) {
        if (hasRegistryHost(repository)) {
            int slash = repository.indexOf('/');
            return DOMAIN.matcher(repository.substring(0, slash)).matches()
                    && isValidName(repository.substring(slash + 1));
        }
        return isValidName(repository);
    }

    /** Whether a repository starts with a registry host (Docker's rule: a dot, a port, or localhost). */
    public static boolean hasRegistryHost(String repository) {
        int slash = repository.indexOf('/');
        if (slash <= 0) {
            return false;
        }
        String first = repository.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals("localhost");
    }

    /** The repository part of a reference: tag and digest removed. */
    public static String repositoryOf(String reference) {
        String withoutDigest = reference;
        int at = withoutDigest.indexOf('@');
        if (at >= 0) {
            withoutDigest = withoutDigest.substring(0, at);
        }
        int colon = withoutDigest.lastIndexOf(':');
        int slash = withoutDigest.lastIndexOf('/');
        return colon > slash ? withoutDigest.substring(0, colon) : withoutDigest;
    }

    /** An OCI tag: letters, digits, {@code _ . -}, at most 128, not starting with {@code .} or {@code -}. */
    public static boolean isValidTag(String tag) {
        return tag.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    }
}
