package dev.deja.packer.dockerfile;

import dev.deja.packer.InputException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A build platform, {@code os/arch[/variant]} as BuildKit writes it.
 *
 * @param variant "" when there is none
 */
public record Platform(String os, String arch, String variant) {

    public Platform {
        variant = variant == null ? "" : variant;
    }

    /** {@code linux/arm64/v8}; the text must already be valid (see {@link #isValid}). */
    public static Platform parse(String text) {
        if (!isValid(text)) {
            throw new IllegalArgumentException("platform '" + text + "' is not os/arch[/variant]");
        }
        String[] parts = text.split("/");
        return new Platform(parts[0], parts[1], parts.length > 2 ? parts[2] : "");
    }

    public static boolean isValid(String text) {
        return text != null && text.matches("[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?");
    }

    /**
     * The platform of the machine deja runs on, the one a builder on it builds for by default (the JVM's names
     * mapped to Go's, as BuildKit reports them).
     */
    public static Platform host() {
        String arch =
                switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
                    case "amd64", "x86_64" -> "amd64";
                    case "aarch64", "arm64" -> "arm64";
                    case "arm" -> "arm";
                    case "ppc64le" -> "ppc64le";
                    case "s390x" -> "s390x";
                    case "riscv64" -> "riscv64";
                    case "x86", "i386", "i686" -> "386";
                    default -> throw new InputException(
                            null, "unknown machine architecture '" + System.getProperty("os.arch") + "'");
                };
        return new Platform("linux", arch, "");
    }

    /** BuildKit's automatic platform ARGs for a build of {@code target} on {@code build}. */
    public static Map<String, String> automaticArgs(Platform target, Platform build) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("TARGETPLATFORM", target.toString());
        args.put("TARGETOS", target.os());
        args.put("TARGETARCH", target.arch());
        args.put("TARGETVARIANT", target.variant());
        args.put("BUILDPLATFORM", build.toString());
        args.put("BUILDOS", build.os());
        args.put("BUILDARCH", build.arch());
        args.put("BUILDVARIANT", build.variant());
        return args;
    }

    @Override
    public String toString() {
        return os + "/" + arch + (variant.isEmpty() ? "" : "/" + variant);
    }
}
