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

/**
 * Where a project's digest cache lives: {@code $DEJA_DIGEST_CACHE} (a folder, or {@code off}), else
 * {@code $XDG_CACHE_HOME/deja}, else {@code ~/.cache/deja}; one file per project root.
 */
public final class DigestCaches {

    public static final String VARIABLE = "DEJA_DIGEST_CACHE";

    private DigestCaches() {}

    public static DigestCache forProject(Path root, Map<String, String> environment) {
        Path folder = folder(environment);
        if (folder == null) {
            return DigestCache.none();
        }
        return DigestCache.open(
                folder.resolve("digests-" + shortHash(root.toAbsolutePath().toString()) + ".bin"));
    }

    static Path folder(Map<String, String> environment) {
        String configured = environment.get(VARIABLE);
        if (configured != null && !configured.isBlank()) {
            return configured.equals("off") ? null : Path.of(configured);
        }
        return UserFolders.cache(environment).orElse(null);
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
