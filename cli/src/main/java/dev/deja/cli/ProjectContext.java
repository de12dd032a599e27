package dev.deja.cli;

import dev.deja.engine.DigestCaches;
import dev.deja.engine.GitFacts;
import dev.deja.engine.ImageGraph;
import dev.deja.engine.Planner;
import dev.deja.engine.ProjectLoader;
import dev.deja.packer.state.ContentHasher;
import dev.deja.packer.state.DigestCache;
import dev.deja.registry.auth.DockerConfigCredentials;
import dev.deja.registry.RegistryClient;
import picocli.CommandLine;

/** What every project command starts from: the global options turned into a loaded project and its graph. */
final class ProjectContext {

    private ProjectContext() {
    }

    static ImageGraph graph(CommandLine.Model.CommandSpec spec) {
        return load(spec);
    }

    private static ImageGraph load(CommandLine.Model.CommandSpec spec) {
        DejaCommand root = root(spec);
        return ImageGraph.of(new ProjectLoader().load(root.directory, root.config, root.registry));
    }

    static DejaCommand root(CommandLine.Model.CommandSpec spec) {
        return (DejaCommand) spec.root().userObject();
    }

    /** A registry client with the docker CLI's credentials. */
    static RegistryClient registry(CommandLine.Model.CommandSpec spec) {
        DejaCommand root = root(spec);
        java.io.PrintWriter err = spec.commandLine().getErr();
        return RegistryClient.create(new DockerConfigCredentials(root.environment),
                java.util.Set.copyOf(root.insecureRegistries), root.debug ? line -> {
                    synchronized (err) {
                        err.println("deja: debug: " + line);
                        err.flush();
                    }
                } : null, retryPolicy());
    }

    /**
     * The launcher's class-data run sets {@code deja.registry.attempts=1}: it must not wait for retries.
     */
    private static dev.deja.registry.transport.RetryPolicy retryPolicy() {
        Integer attempts = Integer.getInteger("deja.registry.attempts");
        dev.deja.registry.transport.RetryPolicy standard = dev.deja.registry.transport.RetryPolicy.DEFAULT;
        return attempts == null ? standard
                : new dev.deja.registry.transport.RetryPolicy(Math.max(1, attempts), standard.baseDelay(),
                        standard.maxDelay());
    }

    /**
     * The registry client, created on another thread while the caller hashes: its start (TLS, trust store) then
     * costs nothing. The supplier waits for it and rethrows what creating it threw.
     */
    static java.util.function.Supplier<RegistryClient> registryAhead(CommandLine.Model.CommandSpec spec) {
        java.util.concurrent.CompletableFuture<RegistryClient> client = new java.util.concurrent.CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                client.complete(registry(spec));
            } catch (RuntimeException | Error e) {
                client.completeExceptionally(e);
            }
        }, "deja-registry-start");
        thread.setDaemon(true);
        thread.start();
        return () -> dev.deja.engine.Futures.get(client);
    }

    static GitFacts git(CommandLine.Model.CommandSpec spec, ImageGraph graph) {
        return GitFacts.read(graph.project().root(), root(spec).environment);
    }

    /** The build driver: the environment's docker, {@code --builder}, deja.yaml's cache mode, the run's stop. */
    static dev.deja.engine.BuildDriver driver(CommandLine.Model.CommandSpec spec, ImageGraph graph, String builder) {
        DejaCommand root = root(spec);
        java.io.PrintWriter err = spec.commandLine().getErr();
        return new dev.deja.engine.BuildDriver(root.environment, new dev.deja.engine.BuildDriver.Options(builder,
                graph.project().config().cache()), root.cancellation, notice -> {
                    synchronized (err) {
                        err.println("deja: " + notice);
                        err.flush();
                    }
                });
    }

    static Planner planner(CommandLine.Model.CommandSpec spec) {
        ImageGraph graph = load(spec);
        DejaCommand root = root(spec);
        DigestCache cache = DigestCaches.forProject(graph.project().root(), root.environment);
        return new Planner(graph, ContentHasher.forThisMachine(cache));
    }
}
