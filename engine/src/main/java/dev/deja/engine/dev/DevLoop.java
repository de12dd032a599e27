package dev.deja.engine.dev;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deja.engine.config.DevConfig;
import dev.deja.engine.exec.Cancellation;
import dev.deja.engine.graph.ImageGraph;
import dev.deja.engine.pack.ImagePacker;
import dev.deja.engine.pack.PackedImage;
import dev.deja.engine.project.ImageDefinition;
import dev.deja.engine.why.Earlier;
import dev.deja.engine.why.StateSummary;
import dev.deja.packer.context.ContextEntry;
import dev.deja.packer.context.ContextTar;
import dev.deja.packer.context.EntryType;
import dev.deja.packer.context.PackedContext;
import dev.deja.packer.context.RepoPath;
import dev.deja.packer.state.EntryDigest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One image's dev loop. The first run makes sure the image of its state is local, starts its dev container
 * ({@code deja-dev-<project>-<image>}, a shell that waits) and commits it as {@code <name>:dev}; every later run
 * copies in only the synced files that changed or were added (one tar stream), deletes the removed ones, runs the
 * {@code dev: command} in the container and, when it succeeds, commits {@code <name>:dev}. What was synced is kept
 * in a {@link DevRecord}, by content digest.
 */
public final class DevLoop {

    /**
     * What one run did.
     *
     * @param started   the container was started by this run (from a fresh image)
     * @param copied    context paths copied in
     * @param removed   context paths deleted in the container
     * @param exitCode  the command's exit code (0 when it did not run)
     * @param committed the {@code <name>:dev} image ID, "" when nothing was committed
     * @param stale     what changed outside the synced files since the container started ("" when nothing)
     * @param copy      time spent copying and deleting
     * @param command   time the command ran
     * @param commit    time the commit took
     */
    public record Run(
            boolean started,
            List<String> copied,
            List<String> removed,
            int exitCode,
            String committed,
            String stale,
            Duration copy,
            Duration command,
            Duration commit) {

        public Run {
            copied = List.copyOf(copied);
            removed = List.copyOf(removed);
        }

        public boolean failed() {
            return exitCode != 0;
        }
    }

    private final ImageGraph graph;
    private final String image;
    private final ImageDefinition definition;
    private final DevConfig dev;
    private final DevContainer container;
    private final Path recordFile;
    private final Function<String, String> ensureLocal;
    private final Consumer<String> log;

    /**
     * @param stateDir    where dev records are kept
     * @param ensureLocal makes the image of the current state local (pull, else build) and returns its reference
     * @param log         where the command's output and deja's lines go
     */
    public DevLoop(
            ImageGraph graph,
            String image,
            Map<String, String> environment,
            Cancellation cancellation,
            Path stateDir,
            Function<String, String> ensureLocal,
            Consumer<String> log) {
        this.graph = graph;
        this.image = image;
        this.definition = graph.project().byName().get(image);
        this.dev = definition.dev();
        if (!dev.present()) {
            throw new DevException("image '" + image + "' has no dev: block in " + configName()
                    + ": add dev: {command: <its incremental build>, sync: [<paths>]} (deja dev --help)");
        }
        this.container = new DevContainer(containerName(graph, image), environment, cancellation);
        this.recordFile = stateDir.resolve("dev").resolve(container.name() + ".json");
        this.ensureLocal = ensureLocal;
        this.log = log;
    }

    private String configName() {
        Path file = definition.declaredIn();
        return file == null ? "deja.yaml" : file.getFileName().toString();
    }

    /** {@code deja-dev-<project folder>-<image>}, in the characters a container name takes. */
    static String containerName(ImageGraph graph, String image) {
        Path folder = graph.project().root().getFileName();
        String project = folder == null ? "root" : folder.toString();
        return ("deja-dev-" + project + "-" + image).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]", "-");
    }

    public String containerName() {
        return container.name();
    }

    /** {@code <name>:dev}: the image each successful run commits. */
    public String devTag() {
        return ImagePacker.devTag(image);
    }

    /** One run over the files as {@code packer} sees them now. */
    public Run run(ImagePacker packer, boolean rebase) {
        PackedImage packed = packer.pack(image);
        StateSummary summary = Earlier.summary(packer, graph, image);
        SortedMap<String, String> files = synced(packed);
        Optional<DevRecord> record = DevRecord.read(recordFile);
        Optional<String> running = container.running();
        boolean usable = running.isPresent()
                && record.isPresent()
                && record.get().container().equals(running.get());
        String stale = usable ? stale(record.get().started(), summary) : "";
        if (usable && !stale.isEmpty() && rebase) {
            log.accept("deja: " + stale + ": starting over from a fresh image (--rebase)");
            clean();
            usable = false;
        }
        if (!usable) {
            return start(packed, summary, files);
        }
        if (!stale.isEmpty()) {
            log.accept("deja: " + stale + " since the dev container started: its image is older than the sources;"
                    + " deja dev --rebase starts over from a fresh one");
        }
        return sync(record.get(), packed, files, stale);
    }

    private Run start(PackedImage packed, StateSummary summary, SortedMap<String, String> files) {
        container.remove();
        String reference = ensureLocal.apply(image);
        JsonNode config = container.config(reference);
        String id = container.start(reference, image, hasEntrypoint(config));
        DevRecord record = new DevRecord(id, reference, summary, config, files);
        record.write(recordFile);
        long commitStart = System.nanoTime();
        String committed = commit(record, packed);
        log.accept("deja: started " + container.name() + " from " + reference + "; committed " + devTag());
        return new Run(true, List.of(), List.of(), 0, committed, "", Duration.ZERO, Duration.ZERO, since(commitStart));
    }

    private Run sync(DevRecord record, PackedImage packed, SortedMap<String, String> files, String stale) {
        List<String> copied = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        files.forEach((path, entry) -> {
            if (!entry.equals(record.files().get(path))) {
                copied.add(path);
            }
        });
        record.files().keySet().stream()
                .filter(path -> !files.containsKey(path))
                .forEach(removed::add);
        if (copied.isEmpty() && removed.isEmpty()) {
            log.accept("deja: nothing changed in " + String.join(", ", syncedPaths()) + " since the last sync");
            return new Run(false, copied, removed, 0, "", stale, Duration.ZERO, Duration.ZERO, Duration.ZERO);
        }
        String workdir = workdir(record);
        long copyStart = System.nanoTime();
        if (!copied.isEmpty()) {
            PackedContext tar = new PackedContext(entriesWithFolders(packed, copied), "");
            // Stamped now: the command's incremental build (make) decides by time what to redo.
            java.nio.file.attribute.FileTime now = java.nio.file.attribute.FileTime.from(Instant.now());
            container.copyIn(workdir, out -> ContextTar.write(tar, out, now));
        }
        container.delete(removed.stream().map(path -> join(workdir, path)).toList());
        Duration copy = since(copyStart);
        // The container now holds these files, whatever the command does.
        DevRecord synced = record.withFiles(files);
        synced.write(recordFile);
        log.accept("deja: copied " + copied.size() + (copied.size() == 1 ? " file" : " files") + ", removed "
                + removed.size() + "; running: " + dev.command());
        long commandStart = System.nanoTime();
        int code = container.exec(workdir, dev.command(), log);
        Duration command = since(commandStart);
        if (code != 0) {
            log.accept("deja: the command failed (exit " + code + "): " + devTag() + " is unchanged");
            return new Run(false, copied, removed, code, "", stale, copy, command, Duration.ZERO);
        }
        long commitStart = System.nanoTime();
        String committed = commit(synced, packed);
        Duration commit = since(commitStart);
        log.accept("deja: committed " + devTag() + " (" + shortId(committed) + ")");
        restart();
        return new Run(false, copied, removed, 0, committed, stale, copy, command, commit);
    }

    /**
     * {@code --watch}: a run now, then one after every change of the synced files (polled by content, and only once
     * two polls agree, so a save in several writes makes one run), until the run is cancelled.
     *
     * @param packers a packer over the files as they are at each call
     */
    public void watch(
            java.util.function.Supplier<ImagePacker> packers,
            boolean rebase,
            Cancellation cancellation,
            Consumer<Run> each) {
        each.accept(run(packers.get(), rebase));
        SortedMap<String, String> last = synced(packers.get().pack(image));
        while (!cancellation.cancelled() && pause(POLL)) {
            ImagePacker packer = packers.get();
            SortedMap<String, String> now = synced(packer.pack(image));
            if (now.equals(last) || !pause(SETTLE)) {
                continue;
            }
            ImagePacker settled = packers.get();
            SortedMap<String, String> after = synced(settled.pack(image));
            if (after.equals(now)) {
                each.accept(run(settled, rebase));
                last = after;
            }
        }
    }

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration SETTLE = Duration.ofMillis(300);

    /** Sleeps; false when interrupted. */
    private static boolean pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code docker exec -it <container> /bin/sh}, for {@code --shell}; the container must run. */
    public List<String> shellCommand() {
        if (container.running().isEmpty()) {
            throw new DevException("no dev container runs for image '" + image + "' (" + container.name()
                    + "): deja dev " + image + " starts it");
        }
        return List.of("docker", "exec", "-it", container.name(), "/bin/sh");
    }

    /** Removes the container, the {@code :dev} tag and the record. */
    public void clean() {
        container.remove();
        container.docker("rmi", devTag());
        try {
            java.nio.file.Files.deleteIfExists(recordFile);
        } catch (java.io.IOException e) {
            throw new DevException("cannot remove " + recordFile + ": " + e.getMessage());
        }
    }

    /** Where synced files land: {@code dev: workdir}, else the image's WORKDIR, else {@code /}. */
    private String workdir(DevRecord record) {
        if (!dev.workdir().isEmpty()) {
            return dev.workdir();
        }
        String workdir = record.config().path("WorkingDir").asText("");
        return workdir.isEmpty() ? "/" : workdir;
    }

    /**
     * Commits the container with the image's own entrypoint and command back (the container runs a waiting shell),
     * labelled with the state its sources had and the time.
     */
    private String commit(DevRecord record, PackedImage packed) {
        JsonNode config = record.config();
        List<String> changes = new ArrayList<>();
        if (hasEntrypoint(config)) {
            changes.add("ENTRYPOINT " + config.path("Entrypoint"));
        }
        boolean hasCommand = config.path("Cmd").isArray() && !config.path("Cmd").isEmpty();
        if (hasCommand) {
            changes.add("CMD " + config.path("Cmd"));
        }
        changes.add("LABEL dev.deja.source-state=" + packed.state().tag() + " dev.deja.committed="
                + Instant.now().toString());
        return container.commit(devTag(), changes, !hasCommand);
    }

    private static boolean hasEntrypoint(JsonNode config) {
        return config.path("Entrypoint").isArray() && !config.path("Entrypoint").isEmpty();
    }

    private void restart() {
        if (dev.restart().isEmpty()) {
            return;
        }
        if (container.docker("restart", dev.restart()).succeeded()) {
            log.accept("deja: restarted " + dev.restart());
            return;
        }
        var compose = container.docker(
                "compose", "--project-directory", graph.project().root().toString(), "restart", dev.restart());
        log.accept(
                compose.succeeded()
                        ? "deja: restarted compose service " + dev.restart()
                        : "deja: warning: could not restart " + dev.restart() + ": " + compose.firstLine());
    }

    /** The synced entries: context path to what the state sees of it (files and links; folders come with them). */
    private SortedMap<String, String> synced(PackedImage packed) {
        List<String> prefixes = syncPrefixes();
        SortedMap<String, String> out = new TreeMap<>();
        for (EntryDigest entry : packed.digests()) {
            if (entry.type() == EntryType.DIRECTORY
                    || entry.path().equals(packed.context().dockerfile())) {
                continue;
            }
            if (prefixes.stream().anyMatch(prefix -> RepoPath.isWithin(entry.path(), prefix))) {
                out.put(
                        entry.path(),
                        entry.type().code() + " " + Integer.toOctalString(entry.mode()) + " " + entry.contentSha256()
                                + " " + entry.linkTarget());
            }
        }
        return out;
    }

    /** The sync paths inside the context ("" for all of it). */
    private List<String> syncPrefixes() {
        return dev.sync().stream()
                .map(path -> RepoPath.relativize(definition.context(), path))
                .toList();
    }

    private List<String> syncedPaths() {
        return dev.sync().stream().map(path -> path.isEmpty() ? "." : path).toList();
    }

    /**
     * What differs, besides files, from the state the container started from: the Dockerfile, a parent, args,
     * target, platforms, bases, labels, named contexts.
     */
    private String stale(StateSummary then, StateSummary now) {
        List<String> what = new ArrayList<>();
        if (!then.dockerfile().equals(now.dockerfile())) {
            what.add("its Dockerfile changed");
        }
        Set<String> parents = new TreeSet<>(then.parents().keySet());
        parents.addAll(now.parents().keySet());
        parents.stream()
                .filter(parent -> !java.util.Objects.equals(
                        then.parents().get(parent), now.parents().get(parent)))
                .forEach(parent -> what.add("parent " + parent + " changed"));
        if (!then.args().equals(now.args())
                || !then.target().equals(now.target())
                || !then.platforms().equals(now.platforms())
                || !then.labels().equals(now.labels())
                || !then.contexts().equals(now.contexts())) {
            what.add("its build settings changed");
        }
        if (!then.bases().equals(now.bases())) {
            what.add("a base image moved");
        }
        return what.isEmpty() ? "" : "image '" + image + "': " + String.join(", ", what);
    }

    /** The entries of {@code paths} with every folder above them, as the tar needs them. */
    private static List<ContextEntry> entriesWithFolders(PackedImage packed, List<String> paths) {
        Set<String> wanted = new TreeSet<>(paths);
        for (String path : paths) {
            for (String parent = RepoPath.parent(path); !parent.isEmpty(); parent = RepoPath.parent(parent)) {
                wanted.add(parent);
            }
        }
        return packed.context().entries().stream()
                .filter(entry -> wanted.contains(entry.path()))
                .toList();
    }

    private static String join(String workdir, String path) {
        return workdir.endsWith("/") ? workdir + path : workdir + "/" + path;
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static String shortId(String id) {
        String hex = id.replaceFirst("^sha256:", "");
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }
}
