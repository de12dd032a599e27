package dev.deja.packer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Walks the folders of a {@link ContextSpec} and lists what the builder will receive: the context folder, the
 * includes at their repo-relative path, minus what the ignore rules exclude, plus the (rewritten) Dockerfile.
 * Symlinks are recorded, never followed; their targets must stay inside the repository.
 */
public final class ContextCollector {

    private final ContextSpec spec;
    private final Path root;
    private final IgnoreRules rules;
    private final Map<String, ContextEntry> entries = new HashMap<>();
    private final Consumer<ContextEntry> listener;

    private ContextCollector(ContextSpec spec, IgnoreRules rules, Consumer<ContextEntry> listener) {
        this.spec = spec;
        this.root = spec.repoRoot();
        this.rules = rules;
        this.listener = listener;
    }

    /**
     * @param dockerfileContent the Dockerfile as it will be sent (references already rewritten)
     */
    public static PackedContext collect(ContextSpec spec, byte[] dockerfileContent) {
        return collect(spec, dockerfileContent, entry -> { });
    }

    /**
     * As {@link #collect(ContextSpec, byte[])}, telling {@code listener} of each entry as it is found, so that
     * hashing can run while the walk goes on. An entry told may still be refused by a later error.
     */
    public static PackedContext collect(ContextSpec spec, byte[] dockerfileContent,
                                        Consumer<ContextEntry> listener) {
        String contextDir = normalized(spec, spec.contextDir(), "context");
        String dockerfile = normalized(spec, spec.dockerfile(), "dockerfile");
        Path contextPath = RepoPath.resolve(spec.repoRoot(), contextDir);
        if (!Files.isDirectory(contextPath, LinkOption.NOFOLLOW_LINKS)) {
            throw new InputException(contextPath, "context folder does not exist (or is a symlink)");
        }
        ContextCollector collector = new ContextCollector(spec, ignoreRules(spec, contextDir, dockerfile), listener);
        collector.walk(contextPath, contextDir, "");
        for (String include : spec.includes()) {
            collector.addInclude(normalized(spec, include, "include"));
        }
        String dockerfileInContext = RepoPath.isWithin(dockerfile, contextDir)
                ? RepoPath.relativize(contextDir, dockerfile)
                : dockerfile;
        ContextEntry previous = collector.entries.get(dockerfileInContext);
        if (previous != null && !RepoPath.resolve(spec.repoRoot(), dockerfile).equals(previous.source())) {
            throw new InputException(RepoPath.resolve(spec.repoRoot(), dockerfile),
                    "the Dockerfile would land at '" + dockerfileInContext
                            + "' in the context, where another file already is");
        }
        collector.entries.put(dockerfileInContext, ContextEntry.generated(dockerfileInContext, dockerfileContent));
        collector.addMissingParents();
        return new PackedContext(sorted(collector.entries.values()), dockerfileInContext);
    }

    /**
     * BuildKit's choice: {@code <Dockerfile>.dockerignore} beside the Dockerfile wins over the context's
     * {@code .dockerignore}; the config's excludes come after either.
     */
    static IgnoreRules ignoreRules(ContextSpec spec, String contextDir, String dockerfile) {
        Path specific = RepoPath.resolve(spec.repoRoot(), dockerfile + ".dockerignore");
        Path general = RepoPath.resolve(spec.repoRoot(), RepoPath.join(contextDir, ".dockerignore"));
        IgnoreRules fromFile = IgnoreRules.none();
        for (Path candidate : List.of(specific, general)) {
            if (Files.isRegularFile(candidate)) {
                try {
                    fromFile = IgnoreRules.parse(candidate, Files.readString(candidate, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new InputException(candidate, "cannot read: " + e.getMessage());
                }
                break;
            }
        }
        return fromFile.then(IgnoreRules.of(spec.excludes()));
    }

    private static String normalized(ContextSpec spec, String path, String what) {
        String normalized = RepoPath.normalizeOrNull(path);
        if (normalized == null) {
            throw new InputException(spec.repoRoot().resolve("deja.yaml"),
                    what + " '" + path + "' leaves the repository");
        }
        return normalized;
    }

    private void addInclude(String include) {
        Path path = RepoPath.resolve(root, include);
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new InputException(path, "include '" + include + "' does not exist");
        }
        if (include.isEmpty()) {
            walk(path, include, "");
            return;
        }
        visit(path, include, include);
    }

    /** Walks the children of {@code dir}, whose path in the context is {@code contextPath}. */
    private void walk(Path dir, String repoPath, String contextPath) {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(children::add);
        } catch (IOException e) {
            throw new InputException(dir, "cannot list folder: " + e.getMessage());
        }
        for (Path child : children) {
            String name = child.getFileName().toString();
            if (repoPath.isEmpty() && name.equals(".git")) {
                continue;
            }
            visit(child, RepoPath.join(repoPath, name), RepoPath.join(contextPath, name));
        }
    }

    /** One lstat and one ignore check per entry: this runs for every file of every context. */
    private void visit(Path path, String repoPath, String contextPath) {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new InputException(path, "cannot read: " + e.getMessage());
        }
        boolean excluded = rules.excludes(contextPath);
        if (attributes.isDirectory()) {
            if (!excluded) {
                put(ContextEntry.directory(contextPath), path);
            }
            if (!excluded || rules.mayReincludeBelow(contextPath)) {
                walk(path, repoPath, contextPath);
            }
        } else if (excluded) {
            return;
        } else if (attributes.isSymbolicLink()) {
            put(ContextEntry.symlink(contextPath, checkedLinkTarget(path, repoPath)), path);
        } else if (attributes.isRegularFile()) {
            Set<PosixFilePermission> permissions = attributes.permissions();
            boolean executable = permissions.contains(PosixFilePermission.OWNER_EXECUTE)
                    || permissions.contains(PosixFilePermission.GROUP_EXECUTE)
                    || permissions.contains(PosixFilePermission.OTHERS_EXECUTE);
            put(ContextEntry.file(contextPath, path, attributes.size(), executable), path);
        } else {
            throw new InputException(path, "cannot pack a special file (socket, device or pipe): exclude it");
        }
    }

    private String checkedLinkTarget(Path link, String repoPath) {
        String target;
        try {
            target = Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            throw new InputException(link, "cannot read symlink: " + e.getMessage());
        }
        if (target.startsWith("/")
                || RepoPath.normalizeOrNull(RepoPath.join(RepoPath.parent(repoPath), target)) == null) {
            throw new InputException(link, "symlink target '" + target
                    + "' is outside the repository; only relative links that stay inside it can be packed");
        }
        return target;
    }

    private void put(ContextEntry entry, Path source) {
        ContextEntry previous = entries.get(entry.path());
        if (previous == null) {
            entries.put(entry.path(), entry);
            listener.accept(entry);
            return;
        }
        boolean bothDirectories = previous.type() == EntryType.DIRECTORY && entry.type() == EntryType.DIRECTORY;
        boolean sameFile = source.equals(previous.source());
        if (!bothDirectories && !sameFile) {
            throw new InputException(source, "an include puts '" + entry.path()
                    + "' in the context where the context folder already has it");
        }
    }

    private void addMissingParents() {
        List<String> parents = new ArrayList<>();
        for (String path : entries.keySet()) {
            for (String parent = RepoPath.parent(path); !parent.isEmpty(); parent = RepoPath.parent(parent)) {
                parents.add(parent);
            }
        }
        for (String parent : parents) {
            ContextEntry existing = entries.get(parent);
            if (existing == null) {
                entries.put(parent, ContextEntry.directory(parent));
            } else if (existing.type() != EntryType.DIRECTORY) {
                throw new InputException(spec.repoRoot(), "'" + parent + "' is both a file and a folder in the context");
            }
        }
    }

    /** Orders entries by the UTF-8 bytes of their paths: the same on every JDK and file system. */
    private static List<ContextEntry> sorted(Collection<ContextEntry> entries) {
        record Keyed(byte[] key, ContextEntry entry) { }
        List<Keyed> keyed = new ArrayList<>(entries.size());
        for (ContextEntry entry : entries) {
            keyed.add(new Keyed(entry.path().getBytes(StandardCharsets.UTF_8), entry));
        }
        keyed.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
        List<ContextEntry> out = new ArrayList<>(keyed.size());
        keyed.forEach(k -> out.add(k.entry()));
        return out;
    }
}
