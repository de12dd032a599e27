package dev.deja.engine.project;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One image of the project, validated: paths are normalized repository-relative paths that exist.
 *
 * @param dockerfile  repo-relative Dockerfile
 * @param context     repo-relative context folder ("" for the root)
 * @param declaredIn  the config file (or the Dockerfile, for discovered images), for messages
 * @param line        line in {@code declaredIn}, 0 when discovered
 */
public record ImageDefinition(
        String name,
        String dockerfile,
        String context,
        List<String> include,
        List<String> exclude,
        Map<String, String> args,
        String target,
        List<String> platforms,
        List<String> aliases,
        List<String> dependsOn,
        String output,
        Path declaredIn,
        int line) {

    public ImageDefinition {
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
        args = Map.copyOf(args);
        platforms = List.copyOf(platforms);
        aliases = List.copyOf(aliases);
        dependsOn = List.copyOf(dependsOn);
    }

    public boolean exportsFiles() {
        return !output.isEmpty();
    }
}
