package dev.deja.engine.config;

import java.util.List;

/**
 * An image's {@code dev:} block: how {@code deja dev} turns a change into a new image without a build.
 *
 * @param command the incremental build, run in the dev container by {@code sh -c}
 * @param sync    repo paths copied into the container (default: the whole context)
 * @param workdir where they land (default: the image's WORKDIR)
 * @param restart a compose service or container restarted after a commit, "" for none
 */
public record DevConfig(String command, List<String> sync, String workdir, String restart) {

    public static final DevConfig NONE = new DevConfig(null, null, null, null);

    public DevConfig {
        command = command == null ? "" : command;
        sync = sync == null ? List.of() : List.copyOf(sync);
        workdir = workdir == null ? "" : workdir;
        restart = restart == null ? "" : restart;
    }

    public boolean present() {
        return !command.isEmpty();
    }
}
