package dev.deja.engine.pack;

import dev.deja.engine.UserFolders;
import dev.deja.packer.state.DigestCache;
import dev.deja.packer.state.State;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where a project's digest cache lives: {@code $DEJA_DIGEST_CACHE/digests.bin} ({@code --digest-cache}; a folder a
 * CI pipeline carries between jobs, whose clones may lie at other paths; {@code off}: none), else one file per
 * project root in {@code $XDG_CACHE_HOME/deja}, else in {@code ~/.cache/deja}. Sharing one file between projects
 * is safe: its entries are keyed by absolute path or by content.
 */
public final class DigestCaches {

    public static final String VARIABLE = "DEJA_DIGEST_CACHE";

    private DigestCaches() {}

    /** Whether the environment turns the digest cache off ({@code DEJA_DIGEST_CACHE=off}). */
    public static boolean isOff(Map<String, String> environment) {
        return "off".equals(environment.get(VARIABLE));
    }

    public static DigestCache forProject(Path root, Map<String, String> environment, Consumer<String> warnings) {
        return file(root, environment)
                .map(file -> DigestCache.open(file, warnings))
                .orElseGet(DigestCache::none);
    }

    static Optional<Path> file(Path root, Map<String, String> environment) {
        String configured = environment.get(VARIABLE);
        if (configured != null && !configured.isBlank()) {
            return isOff(environment) ? Optional.empty() : Optional.of(Path.of(configured, "digests.bin"));
        }
        return UserFolders.cache(environment)
                .map(folder -> folder.resolve(
                        "digests-" + shortHash(root.toAbsolutePath().toString()) + ".bin"));
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(State.FORMAT, e);
        }
    }
}
