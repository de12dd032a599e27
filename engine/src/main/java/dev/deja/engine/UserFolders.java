package dev.deja.engine;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** deja's folders of this user, as the XDG base directories name them: {@code $XDG_…_HOME/deja}, else under HOME. */
public final class UserFolders {

    private UserFolders() {}

    /** {@code $XDG_CACHE_HOME/deja}, else {@code ~/.cache/deja}; empty without either. */
    public static Optional<Path> cache(Map<String, String> environment) {
        return folder(environment, "XDG_CACHE_HOME", ".cache");
    }

    /** {@code $XDG_STATE_HOME/deja}, else {@code ~/.local/state/deja}; empty without either. */
    public static Optional<Path> state(Map<String, String> environment) {
        return folder(environment, "XDG_STATE_HOME", ".local/state");
    }

    private static Optional<Path> folder(Map<String, String> environment, String variable, String underHome) {
        String xdg = environment.get(variable);
        if (xdg != null && !xdg.isBlank()) {
            return Optional.of(Path.of(xdg, "deja"));
        }
        String home = environment.getOrDefault("HOME", "");
        return home.isBlank() ? Optional.empty() : Optional.of(Path.of(home, underHome, "deja"));
    }
}
