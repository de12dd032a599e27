package dev.deja.engine.project;

import dev.deja.packer.dockerfile.Arguments;
import dev.deja.packer.dockerfile.Platform;
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

    /**
     * The values the Dockerfile's variables take: one per platform in {@code platforms}, or one for the builder's
     * own platform (this machine's) when none is given.
     */
    public List<Arguments> arguments() {
        if (platforms.isEmpty()) {
            return List.of(Arguments.of(args));
        }
        Platform builder = Platform.host();
        return platforms.stream()
                .map(p -> Arguments.forPlatform(args, Platform.parse(p), builder))
                .toList();
    }

    public boolean exportsFiles() {
        return !output.isEmpty();
    }
}
