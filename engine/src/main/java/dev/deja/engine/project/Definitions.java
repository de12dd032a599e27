package dev.deja.engine.project;

import dev.deja.engine.config.ConfigException;
import dev.deja.engine.config.ConfigFile;
import dev.deja.engine.config.DevConfig;
import dev.deja.engine.config.ImageEntry;
import dev.deja.engine.config.ImageNames;
import dev.deja.engine.config.RunSettings;
import dev.deja.packer.context.RepoPath;
import dev.deja.packer.dockerfile.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One image's settings (deja.yaml's, or a source's with deja.yaml's laid over them) checked and turned into an
 * {@link ImageDefinition}: names, paths that stay in the repository and exist, platforms, args, repositories, tags,
 * named contexts. Every error names the file and line of the entry.
 */
final class Definitions {

    private Definitions() {}

    /**
     * @param configPath where the entry is written, for errors
     * @param outputs    folders that builds write: what lies under them need not exist yet
     * @param defaults   the config whose top-level repository and tag affixes apply unless the image has its own
     * @param home       where {@code ~/} leads in the paths of secrets and SSH keys
     */
    static ImageDefinition define(
            Path root,
            Path configPath,
            String name,
            ImageEntry entry,
            Set<String> outputs,
            ConfigFile defaults,
            Path home) {
        int line = entry.line();
        if (!ImageNames.isValidName(name)) {
            throw new ConfigException(
                    configPath,
                    line,
                    "image name '" + name + "' is not a valid repository name"
                            + " (lower-case letters, digits, and . _ - / between them)");
        }
        boolean inline = !entry.dockerfileInline().isEmpty();
        boolean named = entry.dockerfile() != null && !entry.dockerfile().isBlank();
        if (!inline && !named) {
            throw new ConfigException(configPath, line, "image '" + name + "' needs 'dockerfile:'");
        }
        if (inline && named) {
            throw new ConfigException(
                    configPath, line, "image '" + name + "': give 'dockerfile:' or 'dockerfile_inline:', not both");
        }
        String dockerfile = inline ? "" : repoPath(configPath, line, name, "dockerfile", entry.dockerfile());
        if (!inline && !Files.isRegularFile(RepoPath.resolve(root, dockerfile))) {
            throw new ConfigException(
                    configPath, line, "image '" + name + "': dockerfile '" + dockerfile + "' does not exist");
        }
        String context = entry.context() == null
                ? RepoPath.parent(dockerfile)
                : repoPath(configPath, line, name, "context", entry.context());
        if (inline) {
            // Written into the context like any Dockerfile, under a name no real file takes.
            dockerfile = RepoPath.join(context, ImageDefinition.INLINE_DOCKERFILE);
        }
        if (!underAny(context, outputs)
                && !Files.isDirectory(RepoPath.resolve(root, context), LinkOption.NOFOLLOW_LINKS)) {
            throw new ConfigException(
                    configPath, line, "image '" + name + "': context '" + context + "' " + notAFolder(root, context));
        }
        List<String> includes = new ArrayList<>();
        for (String include : entry.include()) {
            String normalized = repoPath(configPath, line, name, "include", include);
            if (!underAny(normalized, outputs)
                    && !Files.exists(RepoPath.resolve(root, normalized), LinkOption.NOFOLLOW_LINKS)) {
                throw new ConfigException(
                        configPath, line, "image '" + name + "': include '" + include + "' does not exist");
            }
            includes.add(normalized);
        }
        for (String alias : entry.aliases()) {
            if (!ImageNames.isValidRepository(alias)) {
                throw new ConfigException(
                        configPath,
                        line,
                        "image '" + name + "': alias '" + alias
                                + "' is not a valid image name (no tag, lower-case path)");
            }
        }
        String output = entry.output().isEmpty() ? "" : repoPath(configPath, line, name, "output", entry.output());
        for (String platform : entry.platforms()) {
            if (!Platform.isValid(platform)) {
                throw new ConfigException(
                        configPath, line, "image '" + name + "': platform '" + platform + "' is not os/arch[/variant]");
            }
        }
        for (String argName : entry.args().keySet()) {
            if (!argName.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new ConfigException(
                        configPath, line, "image '" + name + "': build arg name '" + argName + "' is not valid");
            }
        }
        String repository = (entry.repository().isEmpty() ? nonNull(defaults.repository()) : entry.repository())
                .replace("{name}", name);
        if (!repository.isEmpty() && !ImageNames.isValidRepository(repository)) {
            throw new ConfigException(
                    configPath,
                    line,
                    "image '" + name + "': repository '" + repository
                            + "' is not a valid repository (host[:port]/path or a path, lower case, no tag)");
        }
        TagFormat tagFormat = new TagFormat(
                (entry.tagPrefix() != null ? entry.tagPrefix() : nonNull(defaults.tagPrefix())).replace("{name}", name),
                (entry.tagSuffix() != null ? entry.tagSuffix() : nonNull(defaults.tagSuffix()))
                        .replace("{name}", name));
        String affixes = tagFormat.prefix() + tagFormat.suffix();
        if (!affixes.isEmpty()
                && (affixes.length() > TagFormat.MAX_AFFIXES || !ImageNames.isValidTag(tagFormat.apply("s1-x")))) {
            throw new ConfigException(
                    configPath,
                    line,
                    "image '" + name + "': tag-prefix '" + tagFormat.prefix() + "' and tag-suffix '"
                            + tagFormat.suffix()
                            + "' do not make valid tags (letters, digits, _ . -; not starting with . or -; at most "
                            + TagFormat.MAX_AFFIXES + " together)");
        }
        for (String tag : entry.tags()) {
            if (!ImageNames.isValidTag(tag)) {
                throw new ConfigException(
                        configPath,
                        line,
                        "image '" + name + "': tag '" + tag + "' is not a valid tag (letters, digits, _ . -; at most"
                                + " 128; not starting with . or -)");
            }
        }
        for (String label : entry.labels().keySet()) {
            if (label.isBlank()) {
                throw new ConfigException(configPath, line, "image '" + name + "': a label needs a name");
            }
        }
        for (String service : entry.composeService()) {
            if (!service.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
                throw new ConfigException(
                        configPath,
                        line,
                        "image '" + name + "': compose-service '" + service + "' is not a service name");
            }
        }
        DevConfig dev = dev(configPath, line, name, context, entry.dev());
        Map<String, NamedContext> contexts = new TreeMap<>();
        entry.contexts()
                .forEach((contextName, value) ->
                        contexts.put(contextName, namedContext(root, configPath, line, name, contextName, value)));
        return new ImageDefinition(
                name,
                dockerfile,
                context,
                includes,
                entry.exclude(),
                entry.args(),
                entry.target(),
                entry.platforms(),
                entry.aliases(),
                entry.dependsOn(),
                output,
                repository,
                entry.tags(),
                tagFormat,
                entry.labels(),
                contexts,
                entry.dockerfileInline(),
                entry.composeService(),
                dev,
                secrets(root, home, configPath, line, name, entry.secrets()),
                ssh(root, home, configPath, line, name, entry.ssh()),
                run(configPath, line, name, entry.run()),
                configPath,
                line);
    }

    /**
     * The RUN steps' settings checked as the builder would take them: a network it knows, {@code name:address} hosts
     * ({@code name=address} too, as compose writes them), a size, {@code name=soft[:hard]} limits.
     */
    private static RunSettings run(Path configPath, int line, String image, RunSettings run) {
        if (!run.network().isEmpty() && !List.of("default", "host", "none").contains(run.network())) {
            throw new ConfigException(
                    configPath,
                    line,
                    "image '" + image + "': network '" + run.network() + "' is not default, host or none (the"
                            + " networks a build's RUN steps can have)");
        }
        List<String> hosts = new ArrayList<>();
        for (String host : run.extraHosts()) {
            int at = host.indexOf('=') >= 0 ? host.indexOf('=') : host.indexOf(':');
            if (at <= 0 || at == host.length() - 1) {
                throw new ConfigException(
                        configPath, line, "image '" + image + "': extra host '" + host + "' is not name:address");
            }
            hosts.add(
                    host.substring(0, at).strip() + ":" + host.substring(at + 1).strip());
        }
        if (!run.shmSize().isEmpty() && !run.shmSize().matches("(?i)\\d+(\\.\\d+)?\\s*[bkmg]?b?")) {
            throw new ConfigException(
                    configPath,
                    line,
                    "image '" + image + "': shm_size '" + run.shmSize() + "' is not a size (bytes, or 64m, 2g)");
        }
        for (String limit : run.ulimits()) {
            if (!limit.matches("[a-z]+=-?\\d+(:-?\\d+)?")) {
                throw new ConfigException(
                        configPath,
                        line,
                        "image '" + image + "': ulimit '" + limit + "' is not name=soft[:hard] (nofile=1024:2048)");
            }
        }
        for (String entitlement : run.entitlements()) {
            if (!RunSettings.ENTITLEMENTS.contains(entitlement)) {
                throw new ConfigException(
                        configPath,
                        line,
                        "image '" + image + "': entitlement '" + entitlement + "' is not "
                                + String.join(" or ", RunSettings.ENTITLEMENTS)
                                + " (what RUN --network=host and RUN --security=insecure need)");
            }
        }
        return new RunSettings(
                run.network(),
                hosts,
                run.shmSize(),
                run.ulimits(),
                run.entitlements().stream().distinct().sorted().toList());
    }

    /**
     * Build secrets checked: ids BuildKit takes, a file made absolute (from the project root; {@code ~/} from the home
     * folder) or {@code env:NAME}. Whether they exist is checked when an image is built: a plan needs none.
     */
    private static Map<String, String> secrets(
            Path root, Path home, Path configPath, int line, String image, Map<String, String> secrets) {
        Map<String, String> out = new TreeMap<>();
        secrets.forEach((id, source) -> {
            if (!id.matches("[A-Za-z0-9_.-]+")) {
                throw new ConfigException(
                        configPath,
                        line,
                        "image '" + image + "': secret id '" + id + "' is not valid (letters, digits, _ . -)");
            }
            String from = source == null ? "" : source.strip();
            if (from.startsWith(ImageEntry.SECRET_FROM_ENVIRONMENT)) {
                String variable = from.substring(ImageEntry.SECRET_FROM_ENVIRONMENT.length());
                if (!variable.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw new ConfigException(
                            configPath,
                            line,
                            "image '" + image + "': secret '" + id + "': '" + variable
                                    + "' is not an environment variable name");
                }
                out.put(id, from);
            } else if (from.isEmpty()) {
                throw new ConfigException(
                        configPath,
                        line,
                        "image '" + image + "': secret '" + id + "' needs a file or env:VARIABLE to read it from");
            } else {
                out.put(id, absolute(root, home, from).toString());
            }
        });
        return out;
    }

    /** {@code --ssh} entries checked: {@code default}, an id, or {@code ID=PATH[,PATH…]} with the paths made absolute. */
    private static List<String> ssh(
            Path root, Path home, Path configPath, int line, String image, List<String> entries) {
        List<String> out = new ArrayList<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            String id = eq < 0 ? entry.strip() : entry.substring(0, eq).strip();
            if (!id.matches("[A-Za-z0-9_.-]+")) {
                throw new ConfigException(
                        configPath,
                        line,
                        "image '" + image + "': ssh '" + entry + "' is not default, an id, or ID=PATH[,PATH…]");
            }
            if (eq < 0) {
                out.add(id);
                continue;
            }
            List<String> paths = new ArrayList<>();
            for (String path : entry.substring(eq + 1).split(",")) {
                if (path.isBlank()) {
                    throw new ConfigException(
                            configPath, line, "image '" + image + "': ssh '" + entry + "' names an empty path");
                }
                paths.add(absolute(root, home, path.strip()).toString());
            }
            out.add(id + "=" + String.join(",", paths));
        }
        return out;
    }

    /** A path outside the context (a secret, a key): from the project root, or from the home folder with {@code ~/}. */
    private static Path absolute(Path root, Path home, String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            return home.resolve(path.substring(1).replaceFirst("^/", "")).normalize();
        }
        return root.toAbsolutePath().resolve(path).normalize();
    }

    /** The {@code dev:} block checked: a command, sync paths inside the context (the context when none). */
    private static DevConfig dev(Path configPath, int line, String image, String context, DevConfig dev) {
        if (dev == DevConfig.NONE
                || (dev.command().isEmpty()
                        && dev.sync().isEmpty()
                        && dev.workdir().isEmpty())) {
            return DevConfig.NONE;
        }
        if (dev.command().isBlank()) {
            throw new ConfigException(
                    configPath, line, "image '" + image + "': dev: needs 'command:' (the incremental build to run)");
        }
        List<String> sync = new ArrayList<>();
        for (String path : dev.sync().isEmpty() ? List.of(context.isEmpty() ? "." : context) : dev.sync()) {
            String normalized = repoPath(configPath, line, image, "dev sync", path);
            if (!RepoPath.isWithin(normalized, context)) {
                throw new ConfigException(
                        configPath,
                        line,
                        "image '" + image + "': dev sync '" + path + "' is outside its context '"
                                + (context.isEmpty() ? "." : context) + "' (only context files are in the image)");
            }
            sync.add(normalized);
        }
        if (!dev.workdir().isEmpty() && !dev.workdir().startsWith("/")) {
            throw new ConfigException(
                    configPath,
                    line,
                    "image '" + image + "': dev workdir '" + dev.workdir() + "' is not an absolute path");
        }
        return new DevConfig(dev.command(), sync, dev.workdir(), dev.restart());
    }

    /**
     * {@code service:X} / {@code target:X}: an image of the project (checked by the graph, which knows them all);
     * {@code docker-image://ref}: an external image; anything else a folder of the repository.
     */
    private static NamedContext namedContext(
            Path root, Path configPath, int line, String image, String name, String value) {
        String where = "image '" + image + "': context '" + name + "'";
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_./:-]*")) {
            throw new ConfigException(configPath, line, where + " is not a valid context name");
        }
        for (String prefix : List.of("service:", "target:")) {
            if (value.startsWith(prefix)) {
                return new NamedContext(NamedContext.Kind.IMAGE, value.substring(prefix.length()));
            }
        }
        if (value.startsWith("docker-image://")) {
            String reference = value.substring("docker-image://".length());
            if (reference.isEmpty()) {
                throw new ConfigException(configPath, line, where + ": docker-image:// needs an image reference");
            }
            return new NamedContext(NamedContext.Kind.EXTERNAL, reference);
        }
        if (value.matches("(?i)[a-z][a-z0-9+.-]*://.*") || value.matches("[\\w.-]+@[\\w.-]+:.*")) {
            throw new ConfigException(
                    configPath,
                    line,
                    where + ": '" + value + "' is fetched by the builder, so deja cannot hash it; use a folder of the"
                            + " repository, docker-image://, or an image of the project (service:NAME)");
        }
        String folder = repoPath(configPath, line, image, "context '" + name + "'", value);
        if (!Files.isDirectory(RepoPath.resolve(root, folder), LinkOption.NOFOLLOW_LINKS)) {
            throw new ConfigException(configPath, line, where + ": '" + folder + "' is not a folder");
        }
        return new NamedContext(NamedContext.Kind.FOLDER, folder);
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }

    /**
     * Why a context is not a folder. A symlink to one is not followed: its files would be packed under the link's
     * path while git lists them under the target's, and git's word on the link would stand for files it never named.
     */
    private static String notAFolder(Path root, String context) {
        Path path = RepoPath.resolve(root, context);
        if (Files.isSymbolicLink(path) && Files.isDirectory(path)) {
            try {
                return "is a symlink (to " + Files.readSymbolicLink(path) + "): name the folder it points to";
            } catch (IOException e) {
                return "is a symlink: name the folder it points to";
            }
        }
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS) ? "is not a folder" : "does not exist";
    }

    private static boolean underAny(String path, Set<String> folders) {
        return folders.stream().anyMatch(folder -> RepoPath.isWithin(path, folder));
    }

    private static String repoPath(Path configPath, int line, String image, String key, String value) {
        String normalized = RepoPath.normalizeOrNull(value);
        if (normalized == null) {
            throw new ConfigException(
                    configPath,
                    line,
                    "image '" + image + "': " + key + " '" + value + "' " + RepoPath.outsideTheRoot(value));
        }
        return normalized;
    }
}
