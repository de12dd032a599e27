package dev.deja.engine.project;

import dev.deja.engine.config.DevConfig;
import dev.deja.engine.config.RunSettings;
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
 * @param repository  where it lives instead of {@code <registry>/<name>}, "" for there (see
 *                    {@link Project#repository})
 * @param tags        more tags written on every push, like the branch tag
 * @param tagFormat   how its tags are written in its repository
 * @param labels      image labels (part of the state)
 * @param contexts    named build contexts: the name of a project image, {@code docker-image://ref}, or a repo-relative
 *                    folder
 * @param inlineDockerfile the Dockerfile's text when it is written in the config, else ""
 * @param composeServices the compose services that run it (its compose source's, or {@code compose-service:})
 * @param dev         how {@code deja dev} rebuilds it ({@link DevConfig#NONE} when it has no {@code dev:}); its
 *                    sync paths repo-relative, inside the context
 * @param secrets     build secrets by id ({@code --secret}): an absolute file path, or {@code env:NAME}; never part of
 *                    the state (BuildKit's cache does not key on them either)
 * @param ssh         what {@code --ssh} gets: {@code default}, {@code ID}, or {@code ID=PATH[,PATH…]} with absolute
 *                    paths; never part of the state
 * @param run         what its RUN steps see of the machine (network, hosts, /dev/shm, limits); never part of the
 *                    state
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
        String repository,
        List<String> tags,
        TagFormat tagFormat,
        Map<String, String> labels,
        Map<String, NamedContext> contexts,
        String inlineDockerfile,
        List<String> composeServices,
        DevConfig dev,
        Map<String, String> secrets,
        List<String> ssh,
        RunSettings run,
        Path declaredIn,
        int line) {

    /** The file name an inline Dockerfile gets in its context. */
    public static final String INLINE_DOCKERFILE = ".deja-inline.Dockerfile";

    public ImageDefinition {
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
        args = Map.copyOf(args);
        platforms = List.copyOf(platforms);
        aliases = List.copyOf(aliases);
        dependsOn = List.copyOf(dependsOn);
        tags = List.copyOf(tags);
        labels = Map.copyOf(labels);
        contexts = Map.copyOf(contexts);
        composeServices = List.copyOf(composeServices);
        secrets = Map.copyOf(secrets);
        ssh = List.copyOf(ssh);
    }

    /** An image found on disk: its Dockerfile and context, nothing else set. */
    public static ImageDefinition discovered(String name, String dockerfile, String context, Path file) {
        return new ImageDefinition(
                name,
                dockerfile,
                context,
                List.of(),
                List.of(),
                Map.of(),
                "",
                List.of(),
                List.of(),
                List.of(),
                "",
                "",
                List.of(),
                TagFormat.PLAIN,
                Map.of(),
                Map.of(),
                "",
                List.of(),
                DevConfig.NONE,
                Map.of(),
                List.of(),
                RunSettings.NONE,
                file,
                0);
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
