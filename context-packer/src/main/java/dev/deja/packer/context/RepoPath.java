package dev.deja.packer.context;

import dev.deja.packer.ignore.GoPaths;
import java.nio.file.Path;

/** Repository-relative paths: slash-separated, normalized, never leaving the repository. */
public final class RepoPath {

    private RepoPath() {}

    /**
     * Why a path {@link #normalizeOrNull} refused cannot be packed, in words for the config's author: a deja.yaml
     * in a subfolder of the checkout makes that folder the root, and {@code ../libs} then climbs out of it.
     */
    public static String outsideTheRoot(String path) {
        return path.startsWith("/")
                ? "is absolute: paths are relative to the project root"
                : "leaves the project root (deja.yaml's folder, else the checkout's top): deja packs nothing from"
                        + " above it; a deja.yaml in a folder that holds every context and include makes that folder"
                        + " the root";
    }

    /**
     * Normalizes {@code path} ("" for the root) or returns {@code null} when it is absolute or climbs out of the
     * repository.
     */
    public static String normalizeOrNull(String path) {
        if (path.startsWith("/") || path.contains("\\") || path.contains("\0")) {
            return null;
        }
        String cleaned = GoPaths.clean(path);
        if (cleaned.equals(".")) {
            return "";
        }
        if (cleaned.equals("..") || cleaned.startsWith("../")) {
            return null;
        }
        return cleaned;
    }

    /** The parent of a normalized path, "" at the top. */
    public static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    public static String join(String parent, String child) {
        if (parent.isEmpty()) {
            return child;
        }
        // String.join sizes the one array the string keeps (a builder's is copied into the string): a walk joins a
        // path per entry, and a growing builder's copies were a sixth of a cold run's garbage.
        return String.join("/", parent, child);
    }

    public static Path resolve(Path root, String path) {
        return path.isEmpty() ? root : root.resolve(path);
    }

    /** Whether {@code path} is {@code dir} or below it (both normalized). */
    public static boolean isWithin(String path, String dir) {
        return dir.isEmpty() || path.equals(dir) || path.startsWith(dir + "/");
    }

    /** {@code path} relative to {@code dir}; call only when {@link #isWithin} holds. */
    public static String relativize(String dir, String path) {
        return dir.isEmpty() ? path : path.equals(dir) ? "" : path.substring(dir.length() + 1);
    }
}
