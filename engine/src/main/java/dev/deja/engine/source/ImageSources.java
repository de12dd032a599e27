package dev.deja.engine.source;

import dev.deja.engine.config.ConfigException;
import dev.deja.engine.config.DotEnv;
import dev.deja.engine.config.Notice;
import dev.deja.packer.context.RepoPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The build definitions a repository already keeps, as deja's images: a compose project or a bake file, named by
 * deja.yaml's {@code from:} or found at the project root.
 */
public final class ImageSources {

    /** What kind of file a source is. */
    public enum Kind {
        COMPOSE,
        BAKE
    }

    /**
     * A source: its kind and its files, the first being the main one.
     *
     * @param files absolute paths
     */
    public record Source(Kind kind, List<Path> files) {
        public Source {
            files = List.copyOf(files);
        }

        /** The main file relative to {@code root}, for messages and {@code from:}. */
        public String describe(Path root) {
            return files.stream()
                    .map(f -> root.relativize(f).toString())
                    .reduce((a, b) -> a + ", " + b)
                    .orElse("");
        }
    }

    /** The files bake reads by default, in its order (besides the compose files). */
    public static final List<String> BAKE_FILES =
            List.of("docker-bake.json", "docker-bake.override.json", "docker-bake.hcl", "docker-bake.override.hcl");

    /** Compose's variable for the files of a project, instead of the default file and its override. */
    private static final String COMPOSE_FILE = "COMPOSE_FILE";

    private ImageSources() {}

    /**
     * The source deja.yaml names with {@code from:} (one kind: compose files, or bake files).
     *
     * @param config where {@code from:} is written, for errors
     */
    public static Source named(Path root, List<String> from, Path config) {
        List<Path> files = new ArrayList<>();
        Kind kind = null;
        for (String name : from) {
            String normalized = RepoPath.normalizeOrNull(name);
            if (normalized == null) {
                throw new ConfigException(config, "from: '" + name + "' " + RepoPath.outsideTheRoot(name));
            }
            Path file = RepoPath.resolve(root, normalized);
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(config, "from: '" + name + "' does not exist");
            }
            Kind fileKind = kindOf(normalized);
            if (kind != null && kind != fileKind) {
                throw new ConfigException(
                        config, "from: names both compose and bake files; a project takes its images from one kind");
            }
            kind = fileKind;
            files.add(file);
        }
        return new Source(kind, files);
    }

    private static Kind kindOf(String file) {
        String name = file.substring(file.lastIndexOf('/') + 1);
        return name.endsWith(".hcl") || (name.endsWith(".json") && name.contains("bake")) ? Kind.BAKE : Kind.COMPOSE;
    }

    /**
     * The nearest folder from {@code start} up to {@code root} that has a bake file (first) or a compose project:
     * its files; else nothing.
     *
     * @param environment where compose's {@code COMPOSE_FILE} may be set (else in a folder's {@code .env})
     */
    public static Optional<Source> detect(Path start, Path root, Map<String, String> environment) {
        for (Path dir = start; dir != null && dir.startsWith(root); dir = dir.getParent()) {
            List<Path> bake = BAKE_FILES.stream()
                    .map(dir::resolve)
                    .filter(Files::isRegularFile)
                    .toList();
            if (!bake.isEmpty()) {
                return Optional.of(new Source(Kind.BAKE, bake));
            }
            List<Path> compose = composeFiles(dir, environment, dir.equals(start));
            if (!compose.isEmpty()) {
                return Optional.of(new Source(Kind.COMPOSE, compose));
            }
        }
        return Optional.empty();
    }

    /**
     * The compose files compose reads in {@code dir}: those {@code COMPOSE_FILE} names (set in the environment, for
     * the working folder, else in the folder's {@code .env}; separated by {@code COMPOSE_PATH_SEPARATOR}, {@code :} by
     * default), else the default file and its override.
     *
     * @param working whether {@code dir} is the working folder, which the environment's {@code COMPOSE_FILE} is for
     */
    static List<Path> composeFiles(Path dir, Map<String, String> environment, boolean working) {
        Map<String, String> variables = Map.of();
        String from = "the environment";
        if (working && !environment.getOrDefault(COMPOSE_FILE, "").isBlank()) {
            variables = environment;
        } else if (Files.isRegularFile(dir.resolve(".env"))) {
            from = dir.resolve(".env").toString();
            try {
                variables = DotEnv.read(dir.resolve(".env"));
            } catch (ConfigException notCompose) {
                // an .env of another tool's syntax: it names no compose file here
            }
        }
        String named = variables.getOrDefault(COMPOSE_FILE, "").strip();
        if (named.isEmpty()) {
            return ComposeReader.defaultFiles(dir);
        }
        String separator = variables.getOrDefault(
                "COMPOSE_PATH_SEPARATOR", environment.getOrDefault("COMPOSE_PATH_SEPARATOR", ""));
        List<Path> files = new ArrayList<>();
        for (String name : named.split(Pattern.quote(separator.isEmpty() ? ":" : separator))) {
            if (name.isBlank()) {
                continue;
            }
            Path file = dir.resolve(name.strip()).normalize();
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(
                        (Path) null,
                        "COMPOSE_FILE (from " + from + ") names " + name.strip() + ", which is not in " + dir
                                + " (compose would not start either)");
            }
            files.add(file);
        }
        return files;
    }

    /** The source's images, paths relative to {@code root}. */
    public static List<SourceImage> read(
            Source source, Path root, Map<String, String> environment, Consumer<Notice> notices) {
        return switch (source.kind()) {
            case COMPOSE -> {
                ComposeReader reader = new ComposeReader(source.files().get(0).getParent(), environment, notices);
                ComposeReader.Resolved resolved = reader.read(source.files());
                yield ComposeImages.of(
                        resolved.model(),
                        root,
                        service -> resolved.origins()
                                .getOrDefault(
                                        service,
                                        new ComposeReader.Origin(source.files().get(0), 0)),
                        notices);
            }
            case BAKE -> BakeImages.of(
                    new BakeReader(environment).print(source.files()),
                    root,
                    source.files().get(0),
                    notices);
        };
    }
}
