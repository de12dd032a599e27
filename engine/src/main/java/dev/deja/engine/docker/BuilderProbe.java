package dev.deja.engine.docker;

import dev.deja.engine.config.CacheMode;
import dev.deja.engine.exec.Parallel;
import dev.deja.engine.exec.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
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
     * @param plugin          the buildx plugin's file where the docker CLI would find it, run as itself; "" to run it
     *                        through the CLI ({@code docker buildx})
     */
    record Builder(Kind kind, String name, String driver, boolean containerdStore, String plugin) {
        enum Kind {
            BUILDX,
            CLASSIC
        }

        Builder(Kind kind, String name, String driver) {
            this(kind, name, driver, false, "");
        }

        Builder(Kind kind, String name, String driver, boolean containerdStore) {
            this(kind, name, driver, containerdStore, "");
        }

        /**
         * buildx builders with a driver other than {@code docker} can write cache to a registry, and the {@code
         * docker} driver of a daemon on the containerd image store; the classic image store only has inline cache.
         */
        boolean exportsRegistryCache() {
            return kind == Kind.BUILDX && (!driver.equals("docker") || containerdStore);
        }

        /**
         * The words that start a buildx command: the plugin's file when known (buildx runs standalone, as the docker
         * CLI would have run it, without the CLI's own start and its plugin check: 60 ms of a build's wait, twice that
         * in CPU), else {@code docker buildx}.
         */
        List<String> buildx() {
            return plugin.isEmpty() ? List.of("docker", "buildx") : List.of(plugin);
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

    private Builder guess() {
        if (!options.builder().isEmpty() || options.cache() == CacheMode.REGISTRY) {
            // The builder's driver changes the command: the CLI is asked.
            return null;
        }
        String plugin = pluginFile();
        if (plugin.isEmpty()) {
            return null;
        }
        debug.accept("the docker CLI's buildx plugin is " + plugin + ", run as itself (cache: "
                + options.cache().name().toLowerCase(Locale.ROOT)
                + ": the builder's driver does not change the command)");
        return new Builder(Builder.Kind.BUILDX, "", "", false, plugin);
    }

    /**
     * The buildx plugin's file where the docker CLI looks for it, in its order; "" when there is none, or when the
     * CLI's config names more folders ({@code cliPluginsExtraDirs}): the CLI then knows best which one it runs. With
     * the current builder and inline cache (or none) the command line is the same whatever the builder's driver, so
     * the CLI need not be asked (two Go programs started: 0.2 s a build would wait for).
     */
    String pluginFile() {
        List<String> folders = new ArrayList<>();
        String config = environment.getOrDefault("DOCKER_CONFIG", "");
        String home = environment.getOrDefault("HOME", "");
        String userFolder = !config.isEmpty() ? config : home.isEmpty() ? "" : home + "/.docker";
        if (!userFolder.isEmpty()) {
            if (namesMorePluginFolders(Path.of(userFolder, "config.json"))) {
                return "";
            }
            folders.add(userFolder + "/cli-plugins");
        }
        folders.addAll(SYSTEM_PLUGIN_FOLDERS);
        for (String folder : folders) {
            Path plugin = Path.of(folder, "docker-buildx");
            if (Files.isRegularFile(plugin) && Files.isExecutable(plugin)) {
                return plugin.toString();
            }
        }
        return "";
    }

    private static boolean namesMorePluginFolders(Path config) {
        try {
            return Files.isRegularFile(config) && Files.readString(config).contains("cliPluginsExtraDirs");
        } catch (IOException | UncheckedIOException e) {
            return true;
        }
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
                described.contains(CONTAINERD_WORKER_LABEL),
                pluginFile());
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
