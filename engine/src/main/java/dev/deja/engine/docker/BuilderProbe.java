package dev.deja.engine.docker;

import dev.deja.engine.config.CacheMode;
import dev.deja.engine.exec.Parallel;
import dev.deja.engine.exec.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Finds out what runs the builds (the docker CLI asked for the buildx plugin and its builder's driver), once, and
 * says once what that means (a missing plugin, a cache mode the builder lacks).
 */
final class BuilderProbe implements AutoCloseable {

    /**
     * What runs the builds: the buildx plugin (with its builder's driver) or the classic docker build.
     *
     * @param containerdStore the builder is the daemon's own BuildKit working on the containerd image store
     */
    record Builder(Kind kind, String name, String driver, boolean containerdStore) {
        enum Kind {
            BUILDX,
            CLASSIC
        }

        Builder(Kind kind, String name, String driver) {
            this(kind, name, driver, false);
        }

        /**
         * buildx builders with a driver other than {@code docker} can write cache to a registry, and the {@code
         * docker} driver of a daemon on the containerd image store; the classic image store only has inline cache.
         */
        boolean exportsRegistryCache() {
            return kind == Kind.BUILDX && (!driver.equals("docker") || containerdStore);
        }
    }

    /** The label of a BuildKit worker on containerd, which the docker driver has on the containerd image store. */
    private static final String CONTAINERD_WORKER_LABEL = "org.mobyproject.buildkit.worker.containerd.";

    /** Where the docker CLI looks for its plugins after the user's own folder (its defaults on Linux). */
    private static final List<String> SYSTEM_PLUGIN_FOLDERS = List.of(
            "/usr/local/lib/docker/cli-plugins",
            "/usr/local/libexec/docker/cli-plugins",
            "/usr/lib/docker/cli-plugins",
            "/usr/libexec/docker/cli-plugins");

    private final ProcessRunner processes;
    private final Map<String, String> environment;
    private final BuildDriver.Options options;
    private final Consumer<String> notices;
    private final Consumer<String> debug;
    private Builder builder;
    /** The builder was taken from the plugin's file, not from the CLI: a CLI that lacks it after all corrects it. */
    private boolean guessed;

    private CompletableFuture<Builder> probe;

    BuilderProbe(
            ProcessRunner processes,
            Map<String, String> environment,
            BuildDriver.Options options,
            Consumer<String> notices,
            Consumer<String> debug,
            Builder known) {
        this.processes = processes;
        this.environment = Map.copyOf(environment);
        this.options = options;
        this.notices = notices;
        this.debug = debug;
        this.builder = known;
    }

    /** Starts the docker CLI call in the background (tens of milliseconds a build would otherwise wait for). */
    synchronized void inBackground() {
        if (builder == null) {
            builder = guess();
        }
        if (probe == null && builder == null) {
            probe = Parallel.ahead("deja-builder-probe", this::detect);
        }
    }

    /** Waits for a probe still running, so that no docker process outlives the run (it writes under ~/.docker). */
    @Override
    public void close() {
        CompletableFuture<Builder> running;
        synchronized (this) {
            running = probe;
        }
        if (running != null) {
            try {
                running.get(30, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // what it found is only needed by builds, which report their own errors
            }
        }
    }

    /** The builder, found once and said once. */
    synchronized Builder builder() {
        if (builder != null) {
            return builder;
        }
        if (probe == null) {
            builder = guess();
            if (builder != null) {
                return builder;
            }
        }
        return said(probe != null ? Parallel.get(probe) : detect());
    }

    /** {@code found}, now this run's builder, with what it means said once. */
    private Builder said(Builder found) {
        builder = found;
        if (builder.kind() == Builder.Kind.CLASSIC) {
            notices.accept("the docker buildx plugin is missing (" + builder.name() + "); building with"
                    + " DOCKER_BUILDKIT=1 docker build instead. Install docker-buildx for platform lists, --builder"
                    + " and cache: registry.");
        }
        if (options.cache() == CacheMode.REGISTRY && !builder.exportsRegistryCache()) {
            notices.accept((builder.kind() == Builder.Kind.CLASSIC
                            ? "the classic docker build"
                            : "builder " + builder.name() + " (driver " + builder.driver() + ")")
                    + " cannot write cache to a registry (cache: registry); using inline cache instead."
                    + " A docker-container builder can: docker buildx create --use --driver docker-container,"
                    + " then deja build --builder NAME.");
        }
        return builder;
    }

    /**
     * Whether the builder was taken from the buildx plugin's file and the docker CLI said it has no such command
     * (a CLI that looks elsewhere, a wrapper): the CLI is then asked, and the build is to run again.
     */
    synchronized boolean missingAfterAll() {
        if (!guessed) {
            // Another build found it first (--jobs): the builder is corrected already.
            return builder != null && builder.kind() == Builder.Kind.CLASSIC;
        }
        guessed = false;
        said(detect());
        return true;
    }

    private Builder guess() {
        Builder onDisk = pluginOnDisk();
        guessed = onDisk != null;
        return onDisk;
    }

    /**
     * The buildx plugin, known from its file where the docker CLI looks for it, when nothing else matters: with the
     * current builder and inline cache (or none) the command line is the same whatever the builder's driver, so the
     * CLI need not be asked (two Go programs started: 0.2 s a build would wait for). {@code null} when it must be.
     */
    private Builder pluginOnDisk() {
        if (!options.builder().isEmpty() || options.cache() == CacheMode.REGISTRY) {
            return null;
        }
        List<String> folders = new ArrayList<>();
        String config = environment.getOrDefault("DOCKER_CONFIG", "");
        String home = environment.getOrDefault("HOME", "");
        if (!config.isEmpty()) {
            folders.add(config + "/cli-plugins");
        } else if (!home.isEmpty()) {
            folders.add(home + "/.docker/cli-plugins");
        }
        folders.addAll(SYSTEM_PLUGIN_FOLDERS);
        for (String folder : folders) {
            Path plugin = Path.of(folder, "docker-buildx");
            if (Files.isRegularFile(plugin) && Files.isExecutable(plugin)) {
                debug.accept("the docker CLI's buildx plugin is " + plugin + " (cache: "
                        + options.cache().name().toLowerCase(Locale.ROOT)
                        + ": the builder's driver does not change the command)");
                return new Builder(Builder.Kind.BUILDX, "", "");
            }
        }
        return null;
    }

    /** For the classic builder, {@code name} holds what the docker CLI said about the missing plugin. */
    private Builder detect() {
        List<String> inspect = new ArrayList<>(List.of("docker", "buildx", "inspect"));
        if (!options.builder().isEmpty()) {
            inspect.add(options.builder());
        }
        List<String> lines = new ArrayList<>();
        int code;
        long start = System.nanoTime();
        try {
            code = processes.stream("builder", inspect, null, lines::add);
        } catch (ProcessRunner.ProcessException e) {
            throw new BuildFailedException("builder", e.getMessage());
        }
        debug.accept(String.format(
                Locale.ROOT,
                "%s exited with %d after %.2f s",
                String.join(" ", inspect),
                code,
                (System.nanoTime() - start) / 1e9));
        String described = String.join("\n", lines);
        if (code != 0 && isMissingPlugin(described)) {
            if (!options.builder().isEmpty()) {
                throw new DockerDaemon.DaemonException("--builder " + options.builder() + " needs the docker buildx"
                        + " plugin, which is missing (" + firstLine(described) + ")");
            }
            return new Builder(Builder.Kind.CLASSIC, firstLine(described), "docker");
        }
        if (code != 0) {
            throw new DockerDaemon.DaemonException(String.join(" ", inspect) + " failed: " + firstLine(described));
        }
        return new Builder(
                Builder.Kind.BUILDX,
                field(described, "Name"),
                field(described, "Driver"),
                described.contains(CONTAINERD_WORKER_LABEL));
    }

    /** What the docker CLI says when it has no buildx plugin (20.10: "'buildx' is not a docker command"). */
    static boolean isMissingPlugin(String output) {
        return output.contains("is not a docker command") || output.contains("unknown command");
    }

    private static String field(String inspect, String name) {
        return inspect.lines()
                .filter(l -> l.startsWith(name + ":"))
                .map(l -> l.substring(name.length() + 1).strip())
                .findFirst()
                .orElse("");
    }

    static String firstLine(String text) {
        return text.strip().lines().findFirst().orElse("(no output)");
    }
}
