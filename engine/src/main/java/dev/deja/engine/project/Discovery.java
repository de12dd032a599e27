package dev.deja.engine.project;

import dev.deja.engine.config.ConfigException;
import dev.deja.engine.config.DiscoverConfig;
import dev.deja.engine.config.ImageNames;
import dev.deja.engine.config.Notice;
import dev.deja.engine.git.Git;
import dev.deja.packer.InputException;
import dev.deja.packer.context.RepoPath;
import dev.deja.packer.dockerfile.Arguments;
import dev.deja.packer.dockerfile.CopySource;
import dev.deja.packer.dockerfile.Dockerfile;
import dev.deja.packer.ignore.IgnoreRules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds the Dockerfiles of a checkout and makes an image of each that deja can read. A real tree holds templates,
 * vendored projects and Dockerfiles that only build with arguments: each of those is skipped with a notice naming
 * the file and why, and never stops the others.
 */
public final class Discovery {

    /** Folders whose Dockerfiles belong to someone else (dependencies, editor set-ups): never images. */
    public static final List<String> SKIPPED_FOLDERS =
            List.of(".devcontainer", "vendor", "node_modules", "third_party");

    /** {@code Dockerfile.<ext>} files that are templates for a Dockerfile, not one. */
    private static final Set<String> TEMPLATE_EXTENSIONS = Set.of(
            "j2",
            "jinja",
            "jinja2",
            "tmpl",
            "tpl",
            "template",
            "in",
            "erb",
            "mustache",
            "hbs",
            "gotmpl",
            "envsubst",
            "example",
            "sample");

    /** {@code Dockerfile.<ext>} files that are something else altogether (source code, notes, backups). */
    private static final Set<String> OTHER_EXTENSIONS = Set.of(
            "dockerignore",
            "java",
            "kt",
            "go",
            "py",
            "js",
            "ts",
            "rs",
            "rb",
            "c",
            "h",
            "cc",
            "cpp",
            "cs",
            "md",
            "txt",
            "rst",
            "json",
            "yaml",
            "yml",
            "toml",
            "sh",
            "bak",
            "orig",
            "old",
            "swp",
            "lock",
            "sum",
            "mod",
            "html",
            "xml",
            "patch",
            "diff");

    /** Renamed images a notice shows by name; {@code deja init} lists them all. */
    private static final int RENAMES_SHOWN = 8;

    /**
     * What discovery found.
     *
     * @param images   the images, by Dockerfile path
     * @param notices  what was skipped, renamed or inferred, and why
     */
    public record Result(List<ImageDefinition> images, List<Notice> notices) {
        public Result {
            images = List.copyOf(images);
            notices = List.copyOf(notices);
        }
    }

    private record Found(String dockerfile, String folder, String variant, String context, Path file) {}

    private final Path root;
    private final DiscoverConfig config;

    public Discovery(Path root, DiscoverConfig config) {
        this.root = root;
        this.config = config;
    }

    /**
     * @param configured Dockerfiles that already are images (of deja.yaml): not discovered again
     * @param takenNames names those images use: a discovered image never takes one
     */
    public Result discover(Set<String> configured, Set<String> takenNames) {
        List<Notice> notices = new ArrayList<>();
        IgnoreRules excluded = IgnoreRules.of(config.exclude());
        List<Found> found = new ArrayList<>();
        for (String dockerfile : candidates()) {
            if (configured.contains(dockerfile) || excluded.excludes(dockerfile) || inSkippedFolder(dockerfile)) {
                continue;
            }
            Found image = inspect(dockerfile, notices);
            if (image != null) {
                found.add(image);
            }
        }
        List<ImageDefinition> images = name(besideDockerfiles(found), takenNames, notices);
        // What was skipped or renamed first: there are few of those, and many inferred contexts in a big tree.
        notices.sort(Comparator.comparingInt(notice -> notice.message().startsWith("context is") ? 1 : 0));
        return new Result(images, notices);
    }

    private static boolean inSkippedFolder(String dockerfile) {
        List<String> folders = List.of(RepoPath.parent(dockerfile).split("/"));
        return SKIPPED_FOLDERS.stream().anyMatch(folders::contains);
    }

    /**
     * A Containerfile beside a Dockerfile of the same variant is {@code <variant>-containerfile}: the folder's name
     * stays with the Dockerfile, which {@code docker build} reads there.
     */
    private static List<Found> besideDockerfiles(List<Found> found) {
        Set<String> docker = found.stream()
                .filter(image -> dockerName(image.dockerfile()))
                .map(image -> image.folder() + "/" + image.variant())
                .collect(Collectors.toSet());
        return found.stream()
                .map(image -> dockerName(image.dockerfile()) || !docker.contains(image.folder() + "/" + image.variant())
                        ? image
                        : new Found(
                                image.dockerfile(),
                                image.folder(),
                                image.variant().isEmpty() ? "containerfile" : image.variant() + "-containerfile",
                                image.context(),
                                image.file()))
                .toList();
    }

    /** The Dockerfile's image, or null (with a notice when the file looked like one). */
    private Found inspect(String dockerfile, List<Notice> notices) {
        String fileName = dockerfile.substring(dockerfile.lastIndexOf('/') + 1);
        Path file = RepoPath.resolve(root, dockerfile);
        String variant = variant(fileName);
        String extension = variant.substring(variant.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        if (OTHER_EXTENSIONS.contains(extension)) {
            return null;
        }
        if (TEMPLATE_EXTENSIONS.contains(extension)) {
            notices.add(new Notice(file, 0, "skipped: a template (." + extension + "), not a Dockerfile"));
            return null;
        }
        String unusableLink = unusableLink(file);
        if (unusableLink != null) {
            notices.add(new Notice(file, 0, "skipped: " + unusableLink));
            return null;
        }
        Dockerfile parsed;
        try {
            parsed = Dockerfile.read(file);
            parsed.imageUses(Arguments.of(Map.of()));
        } catch (InputException e) {
            notices.add(new Notice(file, e.line(), "skipped: " + e.getMessage()));
            return null;
        }
        String folder = RepoPath.parent(dockerfile);
        String context = inferContext(parsed, folder, notices);
        return new Found(dockerfile, folder, variant, context, file);
    }

    /**
     * Why a Dockerfile that is a symlink cannot be read as its folder's ({@code null} when it is no link, or one to a
     * file of the repository: its image is then its folder's, as deja.yaml naming it makes it).
     */
    private String unusableLink(Path file) {
        if (!Files.isSymbolicLink(file)) {
            return null;
        }
        String target;
        try {
            target = Files.readSymbolicLink(file).toString();
        } catch (IOException e) {
            return "a symlink deja cannot read: " + InputException.reason(e);
        }
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            return "a symlink to '" + target + "', which does not exist";
        }
        try {
            if (!real.startsWith(root.toRealPath())) {
                return "a symlink to '" + target + "', outside the repository: deja reads no file there";
            }
        } catch (IOException e) {
            return "a symlink deja cannot follow: " + InputException.reason(e);
        }
        return Files.isRegularFile(real) ? null : "a symlink to '" + target + "', which is not a file";
    }

    /**
     * The names a Dockerfile goes by, the Docker one first: podman and buildah read a {@code Containerfile} (and
     * nerdctl falls back to one), with the same variants.
     */
    private static final List<String> DOCKERFILE_NAMES = List.of("Dockerfile", "Containerfile");

    /** {@code Dockerfile.dev} → dev, {@code api.Dockerfile} → api, {@code Dockerfile} → "" (a Containerfile alike). */
    private static String variant(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        for (String name : DOCKERFILE_NAMES) {
            String suffix = "." + name.toLowerCase(Locale.ROOT);
            if (lower.equals(name.toLowerCase(Locale.ROOT))) {
                return "";
            }
            if (lower.endsWith(suffix)) {
                return fileName.substring(0, fileName.length() - suffix.length());
            }
            if (fileName.startsWith(name + ".")) {
                return fileName.substring(name.length() + 1);
            }
        }
        return fileName;
    }

    /**
     * {@code Dockerfile}, {@code Dockerfile.<variant>}, {@code <variant>.Dockerfile} (any case of the suffix), and
     * the same of {@code Containerfile}.
     */
    static boolean isDockerfileName(String fileName) {
        return spelledName(fileName) != null;
    }

    /** Whether the file goes by the Docker name ({@code Dockerfile}, …), not another ({@code Containerfile}). */
    private static boolean dockerName(String dockerfile) {
        return DOCKERFILE_NAMES.get(0).equals(spelledName(dockerfile.substring(dockerfile.lastIndexOf('/') + 1)));
    }

    /** Which of {@link #DOCKERFILE_NAMES} {@code fileName} spells, with or without a variant; {@code null}: none. */
    private static String spelledName(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        for (String name : DOCKERFILE_NAMES) {
            String suffix = "." + name.toLowerCase(Locale.ROOT);
            if (fileName.equals(name)
                    || (lower.endsWith(suffix) && lower.length() > suffix.length())
                    || (fileName.startsWith(name + ".") && fileName.length() > name.length() + 1)) {
                return name;
            }
        }
        return null;
    }

    /**
     * The Dockerfile's folder, unless what its COPY and ADD read is not there but is found from an ancestor
     * (often the repository root): then the nearest such ancestor, said in a notice.
     */
    private String inferContext(Dockerfile dockerfile, String folder, List<Notice> notices) {
        List<CopySource> sources = dockerfile.copySources(Arguments.of(Map.of())).stream()
                .filter(source -> !source.remote())
                .toList();
        List<CopySource> missing = missingFrom(folder, sources);
        if (missing.isEmpty()) {
            return folder;
        }
        for (String ancestor = folder; !ancestor.isEmpty(); ) {
            ancestor = RepoPath.parent(ancestor);
            if (missingFrom(ancestor, sources).isEmpty()) {
                CopySource example = missing.get(0);
                notices.add(new Notice(
                        dockerfile.file(),
                        example.line(),
                        "context is " + (ancestor.isEmpty() ? "the repository root" : ancestor + "/") + ", not "
                                + folder + "/: " + example.kind() + "s such as '" + example.path()
                                + "' are found there (name the context in deja.yaml to choose another)"));
                return ancestor;
            }
        }
        return folder;
    }

    private List<CopySource> missingFrom(String context, List<CopySource> sources) {
        Path dir = RepoPath.resolve(root, context);
        return sources.stream()
                .filter(source -> !matchesAny(dir, source.path()))
                .toList();
    }

    /** Whether a COPY source (a path, maybe with wildcards) names anything in {@code dir}. */
    private static boolean matchesAny(Path dir, String source) {
        String cleaned = source.replaceAll("^(\\./|/)+", "");
        if (cleaned.isEmpty() || cleaned.equals(".")) {
            return true;
        }
        List<Path> matches = List.of(dir);
        for (String segment : cleaned.split("/+")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            List<Path> next = new ArrayList<>();
            for (Path parent : matches) {
                if (segment.equals("..")) {
                    return true; // leaves the context: BuildKit clamps it to the root; nothing to infer from
                } else if (segment.equals("**")) {
                    // Any depth of folders, none too.
                    try (Stream<Path> below = Files.walk(parent)) {
                        below.filter(path -> Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS))
                                .forEach(next::add);
                    } catch (IOException | UncheckedIOException unreadable) {
                        // an unreadable folder: no match from here
                    }
                } else if (segment.matches(".*[*?\\[].*")) {
                    try (DirectoryStream<Path> children = Files.newDirectoryStream(parent, segment)) {
                        children.forEach(next::add);
                    } catch (IOException | RuntimeException unreadable) {
                        // an unreadable folder or a pattern Java cannot read: no match from here
                    }
                } else if (Files.exists(parent.resolve(segment), LinkOption.NOFOLLOW_LINKS)) {
                    next.add(parent.resolve(segment));
                }
            }
            if (next.isEmpty()) {
                return false;
            }
            matches = next;
        }
        return true;
    }

    /**
     * Names images after their folder ({@code -variant} for {@code Dockerfile.variant}); the root's Dockerfile is
     * {@code root}, so a name never depends on what the checkout folder is called. Folders of the same name take
     * their parents' names until they differ ({@code checkout-genproto}), said in one notice.
     */
    private List<ImageDefinition> name(List<Found> found, Set<String> takenNames, List<Notice> notices) {
        Map<String, List<Found>> byName = new TreeMap<>();
        for (Found image : found) {
            byName.computeIfAbsent(nameOf(image, 1), n -> new ArrayList<>()).add(image);
        }
        Map<Found, String> names = new LinkedHashMap<>();
        List<String> renamed = new ArrayList<>();
        for (Map.Entry<String, List<Found>> group : byName.entrySet()) {
            List<Found> members = group.getValue();
            if (members.size() == 1 && !takenNames.contains(group.getKey())) {
                names.put(members.get(0), group.getKey());
                continue;
            }
            Map<Found, String> distinct = distinctNames(members, takenNames);
            distinct.forEach((image, name) -> renamed.add(image.dockerfile() + " → " + name));
            names.putAll(distinct);
        }
        if (!renamed.isEmpty()) {
            notices.add(new Notice(
                    null,
                    0,
                    renamed.size() + " Dockerfiles share a folder name; each is named after its parent folders"
                            + " (name them in deja.yaml to choose): "
                            + String.join(", ", renamed.subList(0, Math.min(renamed.size(), RENAMES_SHOWN)))
                            + (renamed.size() > RENAMES_SHOWN ? ", … (deja init lists every image)" : "")));
        }
        List<ImageDefinition> images = new ArrayList<>();
        for (Found image : found) {
            String name = names.get(image);
            if (!ImageNames.isValidName(name)) {
                notices.add(new Notice(
                        image.file(),
                        0,
                        "skipped: no valid image name can be made from its path; name it in deja.yaml"));
                continue;
            }
            images.add(ImageDefinition.discovered(name, image.dockerfile(), image.context(), image.file()));
        }
        return images;
    }

    private static Map<Found, String> distinctNames(List<Found> members, Set<String> takenNames) {
        int deepest = members.stream()
                .mapToInt(m -> m.folder().isEmpty() ? 1 : m.folder().split("/").length)
                .max()
                .orElse(1);
        for (int depth = 2; depth <= deepest; depth++) {
            final int d = depth;
            Map<Found, String> names = new LinkedHashMap<>();
            members.forEach(m -> names.put(m, nameOf(m, d)));
            if (allDistinct(names.values(), takenNames)) {
                return names;
            }
        }
        // Same path up to the root (only letter case differs): number them in path order.
        Map<Found, String> names = new LinkedHashMap<>();
        for (int i = 0; i < members.size(); i++) {
            names.put(members.get(i), nameOf(members.get(i), deepest) + "-" + (i + 1));
        }
        return names;
    }

    private static boolean allDistinct(Collection<String> names, Set<String> takenNames) {
        return names.stream().distinct().count() == names.size()
                && names.stream().noneMatch(takenNames::contains);
    }

    /** The last {@code depth} folder names and the variant, joined with '-', as a valid repository name. */
    private static String nameOf(Found image, int depth) {
        List<String> parts = new ArrayList<>();
        if (image.folder().isEmpty()) {
            parts.add("root");
        } else {
            List<String> folders = List.of(image.folder().split("/"));
            parts.addAll(folders.subList(Math.max(0, folders.size() - depth), folders.size()));
        }
        if (!image.variant().isEmpty()) {
            parts.add(image.variant());
        }
        return parts.stream().map(Discovery::sanitize).filter(p -> !p.isEmpty()).collect(Collectors.joining("-"));
    }

    /** Lower case, accents dropped; anything else a repository name cannot hold becomes '-', never at either end. */
    private static String sanitize(String part) {
        // Accents go, the letter stays: "Über App" is uber-app, not ber-app.
        String plain = Normalizer.normalize(part, Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
        return plain.toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9._-]+", "-")
                .replaceAll("([._-])[._-]+", "$1")
                .replaceAll("^[._-]+|[._-]+$", "");
    }

    /** Dockerfile-named files git knows (tracked, or untracked and not ignored); every file when git is not there. */
    private List<String> candidates() {
        List<String> files = Git.listFiles(root);
        if (files == null) {
            files = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(root)) {
                List<String> all = files;
                walk.filter(p -> !p.toString().contains("/.git/") && fileOrLink(p))
                        .forEach(p -> all.add(root.relativize(p).toString()));
            } catch (IOException e) {
                throw new ConfigException(root, "cannot list files: " + InputException.reason(e));
            }
        }
        return files.stream()
                .filter(f -> isDockerfileName(f.substring(f.lastIndexOf('/') + 1)))
                .filter(f -> fileOrLink(root.resolve(f)))
                .distinct()
                .sorted()
                .toList();
    }

    /** A file, or a link (to be followed if it leads to a file of the repository: {@link #unusableLink}). */
    private static boolean fileOrLink(Path path) {
        return Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(path);
    }
}
