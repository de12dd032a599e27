package dev.deja.engine.bases;

import dev.deja.engine.config.BasePolicy;
import dev.deja.engine.config.ConfigException;
import dev.deja.engine.git.Git;
import dev.deja.engine.graph.BaseUse;
import dev.deja.engine.project.Project;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** The bases of a run under {@code bases: lock}, and {@code deja lock}, which writes deja.lock. */
public final class Bases {

    private Bases() {}

    /**
     * What {@code deja lock} changed.
     *
     * @param before  the lock's entries before
     * @param after   the entries written
     * @param written whether the file was written (it is not when nothing changed)
     */
    public record LockChange(
            Path file, SortedMap<String, String> before, SortedMap<String, String> after, boolean written) {}

    public static Path lockFile(Project project) {
        return project.root().resolve(LockFile.NAME);
    }

    /** The bases as deja.lock has them; a base it lacks is an error that says to run {@code deja lock}. */
    public static ResolvedBases fromLock(Project project, List<BaseUse> uses) {
        Path file = lockFile(project);
        SortedMap<String, String> locked = LockFile.read(file);
        Map<String, List<String>> missing = new TreeMap<>();
        for (BaseUse use : uses) {
            String reference = BaseReference.parse(use.reference()).normalized();
            if (!locked.containsKey(reference)) {
                missing.computeIfAbsent(reference, r -> new ArrayList<>()).add(use.where(project.root()));
            }
        }
        if (!missing.isEmpty()) {
            List<String> described = new ArrayList<>();
            missing.forEach((reference, where) -> described.add(reference + " ("
                    + String.join("; ", where.stream().distinct().toList()) + ")"));
            throw new ConfigException(
                    file,
                    "does not have "
                            + (missing.size() == 1 ? "" : missing.size() + " bases: ")
                            + String.join(", ", described)
                            + " (bases: lock; run deja lock to add "
                            + (missing.size() == 1 ? "it" : "them") + ")");
        }
        return new ResolvedBases(BasePolicy.LOCK, locked);
    }

    /**
     * The Dockerfiles (of {@code uses}) changed after deja.lock was last committed: in a later commit, or not
     * committed yet. A lock older than them may miss what they now mean (a base renamed to another tag is caught
     * as missing; the same tag expected newer is not), so deja says so. Empty outside git or with an uncommitted
     * lock.
     */
    public static List<String> changedSinceLock(Project project, List<BaseUse> uses) {
        Path root = project.root();
        String lockCommit = Git.line(root, "log", "-1", "--format=%H", "--", LockFile.NAME);
        if (lockCommit == null) {
            return List.of();
        }
        List<String> files = uses.stream()
                .map(use -> root.relativize(use.file()).toString())
                .distinct()
                .sorted()
                .toList();
        if (files.isEmpty()) {
            return List.of();
        }
        java.util.Set<String> changed = new java.util.TreeSet<>();
        List<String> log =
                new ArrayList<>(List.of("log", lockCommit + "..HEAD", "--name-only", "--format=", "--relative", "--"));
        log.addAll(files);
        String committed = Git.run(root, log.toArray(String[]::new));
        List<String> diff = new ArrayList<>(List.of("diff", "--name-only", "--relative", "HEAD", "--"));
        diff.addAll(files);
        String pending = Git.run(root, diff.toArray(String[]::new));
        if (committed != null) {
            committed.lines().map(String::strip).filter(files::contains).forEach(changed::add);
        }
        if (pending != null) {
            pending.lines().map(String::strip).filter(files::contains).forEach(changed::add);
        }
        return List.copyOf(changed);
    }

    /**
     * Writes deja.lock for {@code uses}: the entries it has are kept (unless {@code update}), the missing ones
     * resolved, the ones no image uses any more dropped.
     */
    public static LockChange lock(Project project, List<BaseUse> uses, boolean update, BaseResolver resolver) {
        Path file = lockFile(project);
        SortedMap<String, String> before = LockFile.read(file);
        Map<String, BaseUse> wanted = new LinkedHashMap<>();
        for (BaseUse use : uses) {
            wanted.putIfAbsent(BaseReference.parse(use.reference()).normalized(), use);
        }
        List<BaseUse> toResolve = wanted.entrySet().stream()
                .filter(entry -> update || !before.containsKey(entry.getKey()))
                .map(Map.Entry::getValue)
                .toList();
        SortedMap<String, String> after = new TreeMap<>();
        wanted.keySet().forEach(reference -> {
            if (before.containsKey(reference)) {
                after.put(reference, before.get(reference));
            }
        });
        after.putAll(resolver.resolve(toResolve));
        boolean changed = !after.equals(before) || !java.nio.file.Files.exists(file);
        if (changed) {
            LockFile.write(file, after);
        }
        return new LockChange(file, before, after, changed);
    }
}
