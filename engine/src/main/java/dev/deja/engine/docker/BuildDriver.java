package dev.deja.engine.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deja.engine.config.CacheMode;
import dev.deja.engine.config.ImageEntry;
import dev.deja.engine.exec.Cancellation;
import dev.deja.engine.exec.Parallel;
import dev.deja.engine.exec.ProcessRunner;
import dev.deja.engine.pack.PackedImage;
import dev.deja.engine.project.ImageDefinition;
import dev.deja.engine.why.StateSummary;
import dev.deja.packer.context.ContextEntry;
import dev.deja.packer.context.ContextFiles;
import dev.deja.packer.context.ContextTar;
import dev.deja.packer.context.EntryType;
import dev.deja.packer.context.PackedContext;
import dev.deja.packer.context.WrittenFiles;
import dev.deja.registry.json.JsonTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one build of the packed context, written out to a folder as it was hashed (a very large one on stdin as a
 * tar, the exact bytes that were hashed into the state): {@code docker buildx build -f <Dockerfile> <folder>}, or,
 * when the buildx plugin is missing,
 * {@code DOCKER_BUILDKIT=1 docker build} with the same context followed by {@code docker push}. A push the registry
 * refused is retried by building again (cached by then). The pushed digest is read from {@code --metadata-file}
 * (buildx) or from the push output (classic).
 */
public final class BuildDriver implements ImageBuilder, AutoCloseable {

    /**
     * @param builder {@code --builder}: a buildx builder name, "" for the current one
     * @param cache   where cache metadata goes (deja.yaml's {@code cache:})
     */
    public record Options(String builder, CacheMode cache) {
        public static Options defaults() {
            return new Options("", CacheMode.INLINE);
        }
    }

    private static final Pattern PUSHED_DIGEST = Pattern.compile("digest: (sha256:[0-9a-f]{64})");
    private static final int PUSH_ATTEMPTS = 3;

    private final ProcessRunner processes;
    /** deja's environment, where secrets given as {@code env:NAME} are read by the builder. */
    private final Map<String, String> environment;

    private final Options options;
    private final Cancellation cancellation;
    private final BuilderProbe probe;
    private final Consumer<String> debug;
    /** The removals of the builds' temporary files, started as each build ends. */
    private final List<CompletableFuture<Void>> removals = new CopyOnWriteArrayList<>();
    /** The contexts being written out ahead of their builds, by image. */
    private final Map<String, Ahead> ahead = new ConcurrentHashMap<>();
    /** The files written out for the builds, which later builds of the same walk link instead of copying. */
    private final WrittenFiles writtenFiles = WrittenFiles.linked();
    /** The folders of files copied out early ({@link #writeEarly}), by image: empty when the copy failed. */
    private final Map<String, CompletableFuture<Optional<Path>>> early = new ConcurrentHashMap<>();
    /** The walk each image to build was placed in ({@link #willBuild}). */
    private final Map<String, String> walkOf = new ConcurrentHashMap<>();
    /** For each walk, its builds still to run and the contexts kept for them to link (guarded by the map). */
    private final Map<String, WalkBuilds> walkBuilds = new HashMap<>();
    /** One context of a walk written at a time: the next links what the first wrote, rather than copy beside it. */
    private final Map<String, Object> writingWalk = new ConcurrentHashMap<>();

    /**
     * @param notices where deja says once how it builds (a missing plugin, a cache mode the builder lacks)
     * @param debug   where every builder command and how long it ran goes ({@code --debug})
     */
    public BuildDriver(
            Map<String, String> environment,
            Options options,
            Cancellation cancellation,
            Consumer<String> notices,
            Consumer<String> debug) {
        this(environment, options, cancellation, notices, debug, null);
    }

    /** A driver that already knows its builder (tests of the command line for builders this machine lacks). */
    BuildDriver(Map<String, String> environment, Options options, BuilderProbe.Builder known) {
        this(environment, options, Cancellation.never(), notice -> {}, line -> {}, known);
    }

    private BuildDriver(
            Map<String, String> environment,
            Options options,
            Cancellation cancellation,
            Consumer<String> notices,
            Consumer<String> debug,
            BuilderProbe.Builder known) {
        Map<String, String> buildKit = new HashMap<>(environment);
        buildKit.put("DOCKER_BUILDKIT", "1");
        this.environment = Map.copyOf(environment);
        this.processes = new ProcessRunner(buildKit, cancellation);
        this.options = options;
        this.cancellation = cancellation;
        this.debug = debug;
        this.probe = new BuilderProbe(processes, buildKit, options, notices, debug, known);
    }

    @Override
    public void prepare() {
        probe.inBackground();
    }

    /**
     * Waits for the temporary files of the builds to be removed (and removes contexts written ahead for builds that
     * did not run), and for a builder probe still running.
     */
    @Override
    public void close() {
        probe.close();
        for (String name : List.copyOf(ahead.keySet())) {
            Ahead unused = ahead.remove(name);
            if (unused != null) {
                try {
                    Parallel.get(unused.staged()).remove(writtenFiles);
                } catch (RuntimeException failed) {
                    // its writing failed, and removed what it wrote
                }
            }
        }
        for (CompletableFuture<Void> removal : removals) {
            Parallel.get(removal);
        }
        List<Staged> kept;
        synchronized (walkBuilds) {
            kept = walkBuilds.values().stream()
                    .flatMap(walk -> walk.held.stream())
                    .toList();
            walkBuilds.clear();
        }
        kept.forEach(staged -> staged.remove(writtenFiles));
        for (CompletableFuture<Optional<Path>> copying : early.values()) {
            copyMade(copying).ifPresent(dir -> Staged.folder(dir).remove(writtenFiles));
        }
    }

    /**
     * Keeps the contexts written for a walk until its last build has run: the builds of images placed in one walk
     * (a monorepo's services over its root) link the files the first wrote rather than copy them again.
     */
    @Override
    public void willBuild(Map<String, String> walks) {
        synchronized (walkBuilds) {
            walks.forEach((image, walk) -> {
                walkOf.put(image, walk);
                walkBuilds.computeIfAbsent(walk, key -> new WalkBuilds()).left++;
            });
        }
    }

    /** A walk's builds still to run, and the contexts written for its builds so far. */
    private static final class WalkBuilds {
        int left;
        final List<Staged> held = new ArrayList<>();
    }

    /** What to remove once {@code name}'s build is over: its context, unless later builds of its walk may link it. */
    private List<Staged> release(String name, Staged staged) {
        String walk = walkOf.remove(name);
        synchronized (walkBuilds) {
            WalkBuilds builds = walk == null ? null : walkBuilds.get(walk);
            if (builds == null) {
                return staged == null ? List.of() : List.of(staged);
            }
            if (staged != null) {
                builds.held.add(staged);
            }
            if (--builds.left > 0) {
                return List.of();
            }
            walkBuilds.remove(walk);
            return builds.held;
        }
    }

    /**
     * The builder command for {@code request}; buildx writes the pushed digest to {@code metadata} and reads each
     * named context that is a folder from {@code folders}.
     */
    List<String> command(Request request, Path metadata, Map<String, Path> folders, BuildCommandLine.Sending sending) {
        BuilderProbe.Builder builder = probe.builder();
        boolean registryCache = options.cache() == CacheMode.REGISTRY && builder.exportsRegistryCache();
        return builder.kind() == BuilderProbe.Builder.Kind.CLASSIC
                ? BuildCommandLine.classic(request, options, sending)
                : BuildCommandLine.buildx(
                        builder.buildx(), request, options, registryCache, metadata, folders, sending);
    }

    /**
     * Contexts up to this size are sent as a folder written out for the build; larger ones as a tar on standard
     * input, so that the temporary folder (often in memory) stays bounded.
     */
    static final long FOLDER_AT_MOST_BYTES = 1L << 30;

    /**
     * The context written out to a folder of its own, as it was hashed ({@code written} collects the folders for
     * removal): BuildKit then reads the Dockerfile and resolves its images while it copies the files, where a tar
     * on standard input must arrive whole first (32 MB: 0.3 s longer, bench/bake-bench.sh). A Dockerfile outside the
     * context goes to a folder of its own, so {@code COPY .} does not see it. A context larger than
     * {@code folderAtMost} goes on standard input.
     */
    static Written sending(PackedImage packed, List<Path> written, long folderAtMost, WrittenFiles files)
            throws IOException {
        PackedContext context = packed.context();
        if (!context.dockerfileOutside() && packed.totalBytes() > folderAtMost) {
            return new Written(new BuildCommandLine.Sending(context.dockerfile(), "-"), 0);
        }
        Path contextDir = Files.createTempDirectory("deja-context-");
        written.add(contextDir);
        if (!context.dockerfileOutside()) {
            int linked = ContextFiles.write(context.entries(), contextDir, files);
            return new Written(
                    new BuildCommandLine.Sending(
                            contextDir.resolve(context.dockerfile()).toString(), contextDir.toString()),
                    linked);
        }
        int linked = ContextFiles.write(context.entriesWithoutDockerfile(), contextDir, files);
        Path dockerfileDir = Files.createTempDirectory("deja-dockerfile-");
        written.add(dockerfileDir);
        Path dockerfile = dockerfileDir.resolve("Dockerfile");
        try (InputStream in = context.entries().stream()
                .filter(entry -> entry.path().equals(context.dockerfile()))
                .findFirst()
                .orElseThrow()
                .open()) {
            Files.copy(in, dockerfile);
        }
        return new Written(new BuildCommandLine.Sending(dockerfile.toString(), contextDir.toString()), linked);
    }

    /** What a build is sent, and how many of the files written out for it were linked to an earlier build's. */
    record Written(BuildCommandLine.Sending sending, int linkedFiles) {}

    /**
     * Starts writing out the context of an image about to be built on a thread of its own, so that the copy overlaps
     * what the run does before the build (the plan's end, the cache sources, the labels); its build takes it, or
     * {@link #close} removes it.
     */
    @Override
    public void writeAhead(PackedImage packed) {
        String name = packed.name();
        ahead.computeIfAbsent(
                name, key -> new Ahead(packed, Parallel.ahead("deja-write-" + name, () -> write(packed))));
    }

    /**
     * The most bytes of files copied out early for one image ({@link #writeEarly}): a guess that was wrong (its state
     * was built elsewhere) costs a copy the run waits for before it ends.
     */
    static final long EARLY_AT_MOST_BYTES = 64L << 20;

    /**
     * Starts copying out, on a thread of its own, the files of an image most likely built as soon as its walk lists
     * them, while they are hashed: its context, written once its state is known, then links them ({@link
     * WrittenFiles}: the same entries) instead of copying them after the plan (a miss of 32 MB: 0.04-0.08 s the build
     * waited for). Up to {@link #EARLY_AT_MOST_BYTES}; {@link #close} removes the folder.
     */
    public void writeEarly(String name, List<ContextEntry> entries) {
        List<ContextEntry> files = entries.stream()
                .filter(entry -> entry.type() == EntryType.FILE && entry.source() != null)
                .toList();
        long bytes = files.stream().mapToLong(ContextEntry::size).sum();
        if (files.isEmpty() || bytes > EARLY_AT_MOST_BYTES) {
            return;
        }
        early.computeIfAbsent(
                name,
                key -> Parallel.ahead("deja-write-early-" + name, () -> {
                    long start = System.nanoTime();
                    Path dir = null;
                    try {
                        dir = Files.createTempDirectory("deja-early-");
                        ContextFiles.write(files, dir, writtenFiles);
                        debug.accept(String.format(
                                Locale.ROOT,
                                "%s: %d files, %.1f MB copied out while they were hashed, in %.2f s",
                                name,
                                files.size(),
                                bytes / 1e6,
                                (System.nanoTime() - start) / 1e9));
                        return Optional.of(dir);
                    } catch (IOException | RuntimeException e) {
                        // Its build copies them itself, and says what fails.
                        if (dir != null) {
                            Staged.folder(dir).remove(writtenFiles);
                        }
                        return Optional.empty();
                    }
                }));
    }

    /** The folder an early copy made, once it is done: empty if it failed. */
    private static Optional<Path> copyMade(CompletableFuture<Optional<Path>> copying) {
        return copying.exceptionally(failure -> Optional.empty()).join();
    }

    /** The context written out for {@code packed}: the one written ahead for it, else written now. */
    private Staged staged(PackedImage packed) {
        Ahead written = ahead.remove(packed.name());
        if (written != null && written.packed() == packed) {
            return Parallel.get(written.staged());
        }
        if (written != null) {
            // Another packing of the image (a run that packed it again): what was written ahead is not what is sent.
            Parallel.get(written.staged()).remove(writtenFiles);
        }
        return write(packed);
    }

    private Staged write(PackedImage packed) {
        // The time told is the early copy's wait too: what the context cost from here.
        long start = System.nanoTime();
        CompletableFuture<Optional<Path>> copying = early.get(packed.name());
        if (copying != null) {
            // What it copied is linked, not copied again.
            copyMade(copying);
        }
        String walk = walkOf.get(packed.name());
        if (walk == null) {
            return Staged.write(packed, writtenFiles, start);
        }
        synchronized (writingWalk.computeIfAbsent(walk, key -> new Object())) {
            return Staged.write(packed, writtenFiles, start);
        }
    }

    @Override
    public Result build(Request request, Consumer<String> log) {
        long start = System.nanoTime();
        String name = request.image().name();
        String unreadable = unreadableSecret(request.image(), environment);
        if (unreadable != null) {
            throw new BuildFailedException(name, unreadable);
        }
        Path metadata;
        try {
            metadata = Files.createTempFile("deja-build-" + name.replace('/', '-'), ".json");
        } catch (IOException e) {
            throw new BuildFailedException(name, "cannot create a temporary file: " + e.getMessage());
        }
        Staged staged = null;
        try {
            long waiting = System.nanoTime();
            staged = staged(request.packed());
            BuildCommandLine.Sending sending = staged.sending();
            debug.accept(String.format(
                    Locale.ROOT,
                    "%s: context of %d files, %.1f MB %s in %.2f s (%.2f s of it waited for here)%s",
                    name,
                    request.packed().fileCount(),
                    request.packed().totalBytes() / 1e6,
                    sending.onStdin() ? "to be sent on stdin, made ready" : "written to " + sending.context(),
                    staged.seconds(),
                    (System.nanoTime() - waiting) / 1e9,
                    staged.linkedFiles() == 0
                            ? ""
                            : ", " + staged.linkedFiles() + " of its files linked to "
                                    + (early.containsKey(name)
                                            ? "the copies made while they were hashed"
                                            : "an earlier build's")));
            Attempt built = attempts(request, metadata, staged.folders(), sending, log);
            int code = built.code();
            boolean classic = probe.builder().kind() == BuilderProbe.Builder.Kind.CLASSIC;
            String tool = classic ? "docker build" : "docker buildx build";
            if (code != 0) {
                throw new BuildFailedException(
                        name,
                        cancellation.cancelled()
                                ? "interrupted"
                                : tool + " exited with " + code
                                        + (built.error().isEmpty() ? "" : ": " + built.error()));
            }
            String digest = classic ? pushClassic(request, log) : digest(metadata);
            return new Result(digest, Duration.ofNanos(System.nanoTime() - start));
        } catch (UncheckedIOException e) {
            throw new BuildFailedException(
                    name, "cannot write its context out: " + e.getCause().getMessage());
        } catch (IOException e) {
            throw new BuildFailedException(name, "reading the builder's output failed: " + e.getMessage());
        } finally {
            // Removed while the run goes on (a context of 32 MB takes 30 ms to remove), before the driver closes.
            List<Staged> released = release(name, staged);
            removals.add(Parallel.ahead("deja-remove-" + name, () -> {
                try {
                    Files.deleteIfExists(metadata);
                } catch (IOException ignored) {
                    // a temporary file
                }
                released.forEach(written -> written.remove(writtenFiles));
                return null;
            }));
        }
    }

    /** A context written out ahead of its build, for the packing it was written from. */
    private record Ahead(PackedImage packed, CompletableFuture<Staged> staged) {}

    /**
     * A packed context written out for its builder: the folders of its named contexts, every temporary folder
     * written, and what the builder is sent.
     *
     * @param seconds how long the writing took
     */
    record Staged(
            Map<String, Path> folders,
            List<Path> written,
            BuildCommandLine.Sending sending,
            int linkedFiles,
            double seconds) {

        /**
         * Writes {@code packed}'s context out (see {@link #sending}), linking what {@code files} holds of it; what was
         * written is removed when it fails.
         *
         * @param start when the caller started on it ({@code System.nanoTime}): its {@link #seconds} count from there
         */
        static Staged write(PackedImage packed, WrittenFiles files, long start) {
            Map<String, Path> folders = new TreeMap<>();
            List<Path> written = new ArrayList<>();
            try {
                // Folders sent as named contexts are written out as they were hashed: the builder reads what deja
                // hashed.
                for (Map.Entry<String, PackedContext> folder :
                        packed.folderContexts().entrySet()) {
                    Path dir = Files.createTempDirectory(
                            "deja-context-" + folder.getKey().replaceAll("[^A-Za-z0-9_.-]", "-"));
                    written.add(dir);
                    folders.put(folder.getKey(), dir);
                    ContextFiles.write(folder.getValue(), dir);
                }
                Written sent = BuildDriver.sending(packed, written, FOLDER_AT_MOST_BYTES, files);
                return new Staged(
                        folders, written, sent.sending(), sent.linkedFiles(), (System.nanoTime() - start) / 1e9);
            } catch (IOException e) {
                new Staged(folders, written, null, 0, 0).remove(files);
                throw new UncheckedIOException(e);
            } catch (RuntimeException e) {
                new Staged(folders, written, null, 0, 0).remove(files);
                throw e;
            }
        }

        /** One temporary folder written, to be removed as a context's are. */
        static Staged folder(Path dir) {
            return new Staged(Map.of(), List.of(dir), null, 0, 0);
        }

        /** Removes the temporary folders (best effort: they are temporary), forgotten by {@code files} first. */
        void remove(WrittenFiles files) {
            for (Path dir : written) {
                files.forget(dir);
                try {
                    ContextFiles.delete(dir);
                } catch (IOException ignored) {
                    // a temporary folder
                }
            }
        }
    }

    /**
     * Why a secret or SSH key of {@code image} cannot reach the builder ({@code null}: they all can), said before
     * anything runs: the builder's own message names neither the image nor where the secret was configured.
     */
    static String unreadableSecret(ImageDefinition image, Map<String, String> environment) {
        for (Map.Entry<String, String> secret : image.secrets().entrySet()) {
            String source = secret.getValue();
            if (source.startsWith(ImageEntry.SECRET_FROM_ENVIRONMENT)) {
                String variable = source.substring(ImageEntry.SECRET_FROM_ENVIRONMENT.length());
                if (!environment.containsKey(variable)) {
                    return "secret '" + secret.getKey() + "' is read from $" + variable + ", which is not set";
                }
            } else if (!Files.isReadable(Path.of(source))) {
                return "secret '" + secret.getKey() + "' is read from " + source + ", which "
                        + (Files.exists(Path.of(source)) ? "deja cannot read" : "does not exist");
            }
        }
        for (String ssh : image.ssh()) {
            int eq = ssh.indexOf('=');
            if (eq < 0 && environment.getOrDefault("SSH_AUTH_SOCK", "").isEmpty()) {
                return "ssh '" + ssh + "' forwards your SSH agent, and SSH_AUTH_SOCK is not set (start one: eval"
                        + " $(ssh-agent) && ssh-add; or name a key: " + ssh + "=~/.ssh/id_ed25519)";
            }
            if (eq >= 0) {
                for (String path : ssh.substring(eq + 1).split(",")) {
                    if (!Files.exists(Path.of(path))) {
                        return "ssh '" + ssh.substring(0, eq) + "' names " + path + ", which does not exist";
                    }
                }
            }
        }
        return null;
    }

    /** How the builder's last run ended, and its last error line (BuildKit's {@code ERROR: …}, "" when none). */
    private record Attempt(int code, String error) {}

    /** Runs the build, again when the push failed (at most {@value #PUSH_ATTEMPTS} times). */
    private Attempt attempts(
            Request request,
            Path metadata,
            Map<String, Path> folders,
            BuildCommandLine.Sending sending,
            Consumer<String> log) {
        String name = request.image().name();
        for (int attempt = 1; ; attempt++) {
            PushWatch watch = new PushWatch(log);
            int code = run(
                    name,
                    command(request, metadata, folders, sending),
                    sending.onStdin()
                            ? stdin -> ContextTar.write(request.packed().context(), stdin)
                            : null,
                    watch);
            if (code == 0 || !watch.pushFailed || attempt == PUSH_ATTEMPTS || cancellation.cancelled()) {
                return new Attempt(code, watch.lastError);
            }
            // Registries refuse concurrent uploads of one blob now and then (two runs pushing the same layer):
            // the build is cached by now, so building again costs only the push.
            log.accept(
                    "deja: the push failed; building again to retry it (" + (attempt + 1) + "/" + PUSH_ATTEMPTS + ")");
            sleep(attempt);
        }
    }

    private int run(String name, List<String> command, ProcessRunner.StdinWriter stdin, Consumer<String> log) {
        long start = System.nanoTime();
        debug.accept(name + ": running " + String.join(" ", shown(command)));
        try {
            int code = processes.stream(name, command, stdin, log);
            debug.accept(String.format(
                    Locale.ROOT,
                    "%s: %s %s exited with %d after %.2f s",
                    name,
                    Path.of(command.get(0)).getFileName(),
                    command.get(1),
                    code,
                    (System.nanoTime() - start) / 1e9));
            return code;
        } catch (ProcessRunner.ProcessException e) {
            throw new BuildFailedException(name, e.getMessage());
        }
    }

    /**
     * The command as {@code --debug} shows it: build args (and the summary label that lists them) without their
     * values, which a CI log would otherwise print for anyone who reads it (a token passed as a build arg).
     */
    static List<String> shown(List<String> command) {
        List<String> shown = new ArrayList<>(command.size());
        for (int i = 0; i < command.size(); i++) {
            String word = command.get(i);
            String option = i > 0 ? command.get(i - 1) : "";
            // deja's own summary label lists the build args too.
            boolean hidden = word.indexOf('=') > 0
                    && (option.equals("--build-arg")
                            || option.equals("--label") && word.startsWith(StateSummary.LABEL + "="));
            shown.add(hidden ? word.substring(0, word.indexOf('=') + 1) + "…" : word);
        }
        return shown;
    }

    /** Pushes what the classic build tagged; the digest comes from the push output. */
    private String pushClassic(Request request, Consumer<String> log) {
        if (!request.push() || request.output() != null) {
            return "";
        }
        String name = request.image().name();
        String digest = "";
        for (String ref : request.refs()) {
            List<String> lines = new ArrayList<>();
            int code = run(name, List.of("docker", "push", ref), null, line -> {
                lines.add(line);
                log.accept(line);
            });
            if (code != 0) {
                throw new BuildFailedException(
                        name, cancellation.cancelled() ? "interrupted" : "docker push " + ref + " exited with " + code);
            }
            for (String line : lines) {
                Matcher matcher = PUSHED_DIGEST.matcher(line);
                if (matcher.find()) {
                    digest = matcher.group(1);
                }
            }
        }
        return digest;
    }

    /** Passes lines on and notices a failed push (buildx: " > pushing …", classic builds push separately). */
    private static final class PushWatch implements Consumer<String> {
        private final Consumer<String> log;
        private boolean pushFailed;
        private boolean pushing;
        private String lastError = "";

        PushWatch(Consumer<String> log) {
            this.log = log;
        }

        @Override
        public void accept(String line) {
            // An error once the push step started is the push's: a current dockerd pushing for BuildKit reports a
            // registry's refusal as "ERROR: Error response from daemon: … 500".
            pushing |= line.matches("#\\d+ pushing .*");
            if (line.startsWith(" > pushing ")
                    || line.contains("failed to push")
                    || pushing && line.startsWith("ERROR:")) {
                pushFailed = true;
            }
            if (line.startsWith("ERROR: ")) {
                lastError = builderError(line);
            }
            log.accept(line);
        }
    }

    /**
     * BuildKit's closing error line as a report's reason: without the layers of wrapping every such line carries
     * ({@code failed to solve:}, gRPC's {@code rpc error: code = Unknown desc =}), what failed and how.
     */
    static String builderError(String line) {
        String error = line.substring("ERROR: ".length()).strip();
        for (String wrapping : List.of(
                "failed to solve:",
                "rpc error: code = Unknown desc =",
                "failed to solve with frontend dockerfile.v0:")) {
            if (error.startsWith(wrapping)) {
                error = error.substring(wrapping.length()).strip();
            }
        }
        return error;
    }

    private static void sleep(int attempt) {
        try {
            Thread.sleep(500L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String digest(Path metadata) throws IOException {
        if (!Files.isRegularFile(metadata) || Files.size(metadata) == 0) {
            return "";
        }
        JsonNode node = JsonTrees.read(Files.readAllBytes(metadata));
        return node.path("containerimage.digest").asText("");
    }
}
