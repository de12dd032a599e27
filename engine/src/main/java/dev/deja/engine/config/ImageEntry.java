package dev.deja.engine.config;

import java.util.List;
import java.util.Map;

/**
 * One image as written under {@code images:} in deja.yaml (paths still unchecked).
 *
 * @param repository       where it lives instead of {@code <registry>/<name>} (a full repository, or a path under the
 *                         registry)
 * @param tags             more tags it gets on every push, like the branch tag (compose's {@code image:} tag)
 * @param contexts         named build contexts: {@code service:X} / {@code target:X} (an image of the project),
 *                         {@code docker-image://ref}, or a folder
 * @param dockerfileInline the Dockerfile itself, instead of {@code dockerfile:}
 * @param tagPrefix        written before every tag of the image ({@code {name}} is its name), or {@code null}
 * @param tagSuffix        written after every tag of the image, or {@code null}
 * @param composeService   the compose services that run this image ({@code deja env --format compose})
 * @param dev              how {@code deja dev} rebuilds it incrementally, or {@code null}
 * @param secrets          build secrets by id: a file (from the project root, {@code ~/} from the home folder) or
 *                         {@code env:NAME}; never part of the state
 * @param ssh              SSH agent sockets or keys the builder may use: {@code default}, {@code ID} or
 *                         {@code ID=PATH[,PATH…]}; never part of the state
 * @param run              what its RUN steps see of the machine (network, hosts, /dev/shm, limits), as written
 * @param line             line of the image's name in deja.yaml, for messages
 */
public record ImageEntry(
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
        Map<String, String> labels,
        Map<String, String> contexts,
        String dockerfileInline,
        String tagPrefix,
        String tagSuffix,
        List<String> composeService,
        DevConfig dev,
        Map<String, String> secrets,
        List<String> ssh,
        RunSettings run,
        Integer line) {

    /** The prefix of a secret read from an environment variable ({@code env:NPM_TOKEN}). */
    public static final String SECRET_FROM_ENVIRONMENT = "env:";

    public ImageEntry {
        include = include == null ? List.of() : List.copyOf(include);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
        args = args == null ? Map.of() : Map.copyOf(args);
        target = target == null ? "" : target;
        platforms = platforms == null ? List.of() : List.copyOf(platforms);
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
        output = output == null ? "" : output;
        repository = repository == null ? "" : repository;
        tags = tags == null ? List.of() : List.copyOf(tags);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        contexts = contexts == null ? Map.of() : Map.copyOf(contexts);
        dockerfileInline = dockerfileInline == null ? "" : dockerfileInline;
        composeService = composeService == null ? List.of() : List.copyOf(composeService);
        dev = dev == null ? DevConfig.NONE : dev;
        secrets = secrets == null ? Map.of() : Map.copyOf(secrets);
        ssh = ssh == null ? List.of() : List.copyOf(ssh);
        run = run == null ? RunSettings.NONE : run;
        line = line == null ? 0 : line;
    }

    public ImageEntry atLine(int newLine) {
        return new ImageEntry(
                dockerfile,
                context,
                include,
                exclude,
                args,
                target,
                platforms,
                aliases,
                dependsOn,
                output,
                repository,
                tags,
                labels,
                contexts,
                dockerfileInline,
                tagPrefix,
                tagSuffix,
                composeService,
                dev,
                secrets,
                ssh,
                run,
                newLine);
    }
}
