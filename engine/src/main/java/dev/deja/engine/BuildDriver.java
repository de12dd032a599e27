package dev.deja.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deja.engine.config.CacheMode;
import dev.deja.packer.context.ContextTar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one build with the packed context on stdin (the exact bytes that were hashed into the state):
 * {@code docker buildx build -f <Dockerfile in the tar> -}, or, when the buildx plugin is missing,
 * {@code DOCKER_BUILDKIT=1 docker build} with the same context followed by {@code docker push}. Tags, cache sources
 * and build inputs are passed through; the pushed digest is read from {@code --metadata-file} (buildx) or from
 * the push output (classic).
 */
public final class BuildDriver implements AutoCloseable {

    /**
     * One build.
     *
     * @param repository where the image lives (for {@code cache: registry}'s {@code <repository>:buildcache})
     * @param refs       every {@code <repository>:<tag>} the image gets
     * @param cacheFrom  refs to take cache from
     * @param push       push (registry mode) or load into the daemon (local mode)
     * @param output     for builder images: the folder to export the files to; otherwise {@code null}
     */
    public record Request(PackedImage packed, ImageDefinition image, String repository, List<String> refs,
                          List<String> cacheFrom, boolean push, Path output) {
        public Request {
            refs = List.copyOf(refs);
            cacheFrom = List.copyOf(cacheFrom);
        }
    }

    /** @param digest the pushed manifest digest ("" for exports and loads without one) */
    public record Result(String digest, Duration duration) {
    }

    /**
     * @param builder {@code --builder}: a buildx builder name, "" for the current one
     * @param cache   where cache metadata goes (deja.yaml's {@code cache:})
     */
    public record Options(String builder, CacheMode cache) {
        public static Options defaults() {
            return new Options("", CacheMode.INLINE);
        }
    }

    /** What runs the builds: the buildx plugin (with its builder's driver) or the classic docker build. */
    public record Builder(Kind kind, String name, String driver) {
        public enum Kind { BUILDX, CLASSIC }

        /** Only buildx builders with a driver other than {@code docker} can write cache to a registry. */
        public boolean exportsRegistryCache() {
            return kind == Kind.BUILDX && !driver.equals("docker");
        }
    }

    private static final Pattern PUSHED_DIGEST = Pattern.compile("digest: (sha256:[0-9a-f]{64})");

    private final DockerProcesses processes;
    private final Options options;
    private final Cancellation cancellation;
    private final Consumer<String> notices;
    private Builder builder;
    private java.util.concurrent.CompletableFuture<Builder> probe;

    /** @param notices where deja says once how it builds (a missing plugin, a cache mode the builder lacks) */
    public BuildDriver(Map<String, String> environment, Options options, Cancellation cancellation,
                       Consumer<String> notices) {
        this.processes = new DockerProcesses(environment, cancellation);
        this.options = options;
        this.cancellation = cancellation;
        this.notices = notices;
    }

    /** A driver that already knows its builder (tests of the command line for builders this machine lacks). */
    BuildDriver(Map<String, String> environment, Options options, Builder known) {
        this(environment, options, Cancellation.never(), notice -> { });
        this.builder = known;
    }

    /** How the run is stopped: no new build may start once it is cancelled. */
    public Cancellation cancellation() {
        return cancellation;
    }

    /**
     * Starts finding out what builds while the caller prepares the first build (a docker CLI call: tens of
     * milliseconds that the build would otherwise wait for). Nothing is said until a build asks.
     */
    public synchronized void probeInBackground() {
        if (probe == null && builder == null) {
            probe = java.util.concurrent.CompletableFuture.supplyAsync(this::detect, runnable -> {
                Thread thread = new Thread(runnable, "deja-builder-probe");
                thread.setDaemon(true);
                thread.start();
            });
        }
    }

    /** Waits for a probe still running, so that no docker process outlives the run (it writes under ~/.docker). */
    @Override
    public void close() {
        java.util.concurrent.CompletableFuture<Builder> running;
        synchronized (this) {
            running = probe;
        }
        if (running != null) {
            try {
                running.get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // what it found is only needed by builds, which report their own errors
            }
        }
    }

    /** What builds: found once (the docker CLI asked for the buildx plugin and its builder's driver), said once. */
    public synchronized Builder builder() {
        if (builder != null) {
            return builder;
        }
        builder = probe != null ? Futures.get(probe) : detect();
        if (builder.kind() == Builder.Kind.CLASSIC) {
            notices.accept("the docker buildx plugin is missing (" + builder.name() + "); building with"
                    + " DOCKER_BUILDKIT=1 docker build instead. Install docker-buildx for platform lists, --builder"
                    + " and cache: registry.");
        }
        if (options.cache() == CacheMode.REGISTRY && !builder.exportsRegistryCache()) {
            notices.accept((builder.kind() == Builder.Kind.CLASSIC ? "the classic docker build"
                    : "builder " + builder.name() + " (driver " + builder.driver() + ")")
                    + " cannot write cache to a registry (cache: registry); using inline cache instead."
                    + " A docker-container builder can: docker buildx create --use --driver docker-container,"
                    + " then deja build --builder NAME.");
        }
        return builder;
    }

    /** For the classic builder, {@code name} holds what the docker CLI said about the missing plugin. */
    private Builder detect() {
        List<String> inspect = new ArrayList<>(List.of("docker", "buildx", "inspect"));
        if (!options.builder().isEmpty()) {
            inspect.add(options.builder());
        }
        DockerProcesses.Captured described = processes.capture(inspect);
        if (described.code() != 0 && isMissingPlugin(described.output())) {
            if (!options.builder().isEmpty()) {
                throw new DockerDaemon.DaemonException("--builder " + options.builder() + " needs the docker buildx"
                        + " plugin, which is missing (" + firstLine(described.output()) + ")");
            }
            return new Builder(Builder.Kind.CLASSIC, firstLine(described.output()), "docker");
        }
        if (described.code() != 0) {
            throw new DockerDaemon.DaemonException(String.join(" ", inspect) + " failed: "
                    + firstLine(described.output()));
        }
        return new Builder(Builder.Kind.BUILDX, field(described.output(), "Name"),
                field(described.output(), "Driver"));
    }

    /** What the docker CLI says when it has no buildx plugin (20.10: "'buildx' is not a docker command"). */
    private static boolean isMissingPlugin(String output) {
        return output.contains("is not a docker command") || output.contains("unknown command");
    }

    private static String field(String inspect, String name) {
        return inspect.lines().filter(l -> l.startsWith(name + ":")).map(l -> l.substring(name.length() + 1).strip())
                .findFirst().orElse("");
    }

    private boolean registryCache() {
        return options.cache() == CacheMode.REGISTRY && builder().exportsRegistryCache();
    }

    /** The builder command for {@code request}; buildx writes the pushed digest to {@code metadata}. */
    public List<String> command(Request request, Path metadata) {
        return builder().kind() == Builder.Kind.CLASSIC ? BuildCommandLine.classic(request, options)
                : BuildCommandLine.buildx(request, options, registryCache(), metadata);
    }

    /**
     * Builds, streaming the context tar to the builder and every output line to {@code log}.
     *
     * @throws BuildFailedException when the builder exits non-zero or the run was cancelled
     */
    public Result build(Request request, Consumer<String> log) {
        long start = System.nanoTime();
        String name = request.image().name();
        Path metadata;
        try {
            metadata = Files.createTempFile("deja-build-" + name.replace('/', '-'), ".json");
        } catch (IOException e) {
            throw new BuildFailedException(name, "cannot create a temporary file: " + e.getMessage());
        }
        try {
            boolean classic = builder().kind() == Builder.Kind.CLASSIC;
            String tool = classic ? "docker build" : "docker buildx build";
            int code = 0;
            for (int attempt = 1; attempt <= PUSH_ATTEMPTS; attempt++) {
                PushWatch watch = new PushWatch(log);
                code = processes.run(name, command(request, metadata), stdin -> ContextTar.write(request.packed().context(),
                        stdin), watch);
                if (code == 0 || !watch.pushFailed || attempt == PUSH_ATTEMPTS || cancellation.cancelled()) {
                    break;
                }
                // Registries refuse concurrent uploads of one blob now and then (two runs pushing the same layer):
                // the build is cached by now, so building again costs only the push.
                log.accept("deja: the push failed; building again to retry it (" + (attempt + 1) + "/"
                        + PUSH_ATTEMPTS + ")");
                sleep(attempt);
            }
            if (code != 0) {
                throw new BuildFailedException(name, cancellation.cancelled() ? "interrupted"
                        : tool + " exited with " + code);
            }
            String digest = classic ? pushClassic(request, log) : digest(metadata);
            return new Result(digest, Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw new BuildFailedException(name, "reading the builder's output failed: " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(metadata);
            } catch (IOException ignored) {
                // a temporary file
            }
        }
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
            int code = processes.run(name, List.of("docker", "push", ref), null, line -> {
                lines.add(line);
                log.accept(line);
            });
            if (code != 0) {
                throw new BuildFailedException(name, cancellation.cancelled() ? "interrupted"
                        : "docker push " + ref + " exited with " + code);
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

    private static final int PUSH_ATTEMPTS = 3;

    /** Passes lines on and notices a failed push (buildx: " > pushing …", classic builds push separately). */
    private static final class PushWatch implements Consumer<String> {
        private final Consumer<String> log;
        private boolean pushFailed;

        PushWatch(Consumer<String> log) {
            this.log = log;
        }

        @Override
        public void accept(String line) {
            if (line.startsWith(" > pushing ") || line.contains("failed to push")) {
                pushFailed = true;
            }
            log.accept(line);
        }
    }

    private static void sleep(int attempt) {
        try {
            Thread.sleep(500L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String firstLine(String text) {
        return text.strip().lines().findFirst().orElse("(no output)");
    }

    private static String digest(Path metadata) throws IOException {
        if (!Files.isRegularFile(metadata) || Files.size(metadata) == 0) {
            return "";
        }
        JsonNode node = new ObjectMapper().readTree(metadata.toFile());
        return node.path("containerimage.digest").asText("");
    }
}
