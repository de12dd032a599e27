package dev.deja.engine;

import dev.deja.engine.build.BuildListener;
import dev.deja.engine.build.BuildRun;
import dev.deja.engine.build.ImageTags;
import dev.deja.engine.build.Puller;
import dev.deja.engine.config.Notice;
import dev.deja.engine.docker.BuildDriver;
import dev.deja.engine.docker.DockerDaemon;
import dev.deja.engine.exec.Parallel;
import dev.deja.engine.git.GitFacts;
import dev.deja.engine.graph.ImageGraph;
import dev.deja.engine.graph.Selection;
import dev.deja.engine.pack.ContextCheck;
import dev.deja.engine.pack.DigestCaches;
import dev.deja.engine.pack.PackedImage;
import dev.deja.engine.plan.CacheRefs;
import dev.deja.engine.plan.FanOut;
import dev.deja.engine.plan.Manifests;
import dev.deja.engine.plan.Plan;
import dev.deja.engine.plan.Planner;
import dev.deja.engine.plan.RegistryManifests;
import dev.deja.engine.plan.StateLookup;
import dev.deja.engine.project.ImageDefinition;
import dev.deja.engine.project.InitialConfig;
import dev.deja.engine.project.ProjectLoader;
import dev.deja.engine.report.BuildReport;
import dev.deja.packer.state.ContentHasher;
import dev.deja.registry.RegistryClient;
import dev.deja.registry.auth.DockerConfigCredentials;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * deja as a library: one method per command. It loads the project once, hashes what a command needs, asks the
 * registry (or, in local mode, the daemon) and builds; what it returns are values for the caller to present.
 */
public final class Deja {

    /**
     * What {@code build} is asked to do.
     *
     * @param mode        where images go: see {@link Mode}
     * @param extraTags   {@code --tag}: more fixed tags for every selected image
     * @param movingTags  whether the branch and latest tags may move (a fan-out job leaves them to the last job)
     * @param jobs        builds at a time
     * @param builderName {@code --builder}, "" for the current one
     */
    public record BuildRequest(
            Selection selection, Mode mode, List<String> extraTags, boolean movingTags, int jobs, String builderName) {
        public BuildRequest {
            extraTags = List.copyOf(extraTags);
        }
    }

    /** Where a build puts images. */
    public enum Mode {
        /** Build what is missing, push it, write the tags in the registry. */
        PUSH,
        /** Pull what the registry has, build the rest into the daemon; nothing written to the registry. */
        LOAD,
        /** Without a registry: the daemon's image store is the cache. */
        LOCAL
    }

    /** What {@code build} without {@code --push} would do: the plan and the tags it would write. */
    public record DryRun(Plan plan, ImageTags tags) {}

    private final DejaSettings settings;
    private final Planner planner;
    private GitFacts git;
    private CompletableFuture<Manifests> registry;

    public Deja(DejaSettings settings) {
        this.settings = settings;
        ImageGraph graph = ImageGraph.of(new ProjectLoader(settings.environment())
                .load(settings.directory(), settings.config(), settings.registry()));
        this.planner = new Planner(
                graph,
                ContentHasher.forThisMachine(
                        DigestCaches.forProject(graph.project().root(), settings.environment())));
        List<Notice> notices = graph.notices();
        notices.stream().limit(NOTICES_SAID).forEach(notice -> settings.notices()
                .accept(notice.describe(graph.project().root())));
        if (notices.size() > NOTICES_SAID) {
            settings.notices()
                    .accept("… and " + (notices.size() - NOTICES_SAID)
                            + " more notices like these (deja init -o - lists them all)");
        }
    }

    /** Every command says the notices again: a few, then how many more, so that a big tree does not drown output. */
    private static final int NOTICES_SAID = 5;

    public ImageGraph graph() {
        return planner.graph();
    }

    /** Without a registry deja works against the local daemon's image store. */
    public boolean localMode() {
        return graph().project().localMode();
    }

    /**
     * Every COPY/ADD source of the selection that its packed context does not hold, offline: the wrong context is
     * caught before any build.
     */
    public List<ContextCheck.Missing> check(Selection selection) {
        List<ContextCheck.Missing> missing = new ArrayList<>();
        for (String name : selection.apply(graph())) {
            ImageDefinition image = graph().project().byName().get(name);
            missing.addAll(ContextCheck.missing(
                    name,
                    graph().dockerfile(name),
                    image.arguments().get(0),
                    planner.packer().pack(name),
                    image.context()));
        }
        planner.saveDigests();
        return missing;
    }

    /** The deja.yaml this project would have, for {@code deja init} to write. */
    public String initialConfig() {
        return InitialConfig.render(graph().project());
    }

    /** The states of the selection, parents first; nothing is asked of the registry. */
    public Plan states(Selection selection) {
        return planner.offline(selection);
    }

    /** The plan: states and, unless {@code offline}, what exists of them (registry, or daemon in local mode). */
    public Plan plan(Selection selection, boolean offline) {
        if (offline) {
            return planner.offline(selection);
        }
        return localMode()
                ? planner.online(selection, () -> StateLookup.daemon(daemon()))
                : planner.online(selection, lookupAhead(false));
    }

    /** One image packed: its context entries, rewritten Dockerfile and state. */
    public PackedImage context(String image) {
        PackedImage packed = planner.packer().pack(single(image));
        planner.saveDigests();
        return packed;
    }

    /** The best {@code --cache-from} reference of one image, if the registry has any candidate. */
    public Optional<String> cacheRef(String image) {
        String name = single(image);
        PackedImage packed = planner.packer().pack(name);
        planner.saveDigests();
        return new CacheRefs(registry(), git())
                .find(
                        graph().project().repository(name),
                        graph().project().byName().get(name).tagFormat(),
                        packed.state());
    }

    /** The online plan spread over CI jobs. */
    public FanOut fanOut(Selection selection) {
        Plan plan = planner.online(selection, lookupAhead(false));
        return FanOut.of(plan, graph());
    }

    /** Pulls every image whose state is in the registry into the daemon. */
    public List<Puller.Pulled> pull(Selection selection, int jobs) {
        Plan plan = planner.online(selection, lookupAhead(false));
        return new Puller(daemon(), jobs).pull(plan);
    }

    /** What {@code build --push} would do, asking the registry but writing nothing. */
    public DryRun dryRun(BuildRequest request) {
        Plan plan = planner.online(request.selection(), lookupAhead(false));
        return new DryRun(plan, tags(request));
    }

    /** Builds what is missing and writes the tags, the way {@code request.mode()} says. */
    public BuildReport build(BuildRequest request, BuildListener listener) {
        BuildDriver.Options options = new BuildDriver.Options(
                request.builderName(), graph().project().config().cache());
        try (BuildDriver driver =
                new BuildDriver(settings.environment(), options, settings.cancellation(), settings.notices())) {
            BuildReport report =
                    switch (request.mode()) {
                        case LOCAL -> {
                            Plan plan = planner.online(request.selection(), () -> StateLookup.daemon(daemon()));
                            yield BuildRun.local(
                                            graph(),
                                            planner.packer(),
                                            driver,
                                            daemon(),
                                            request.jobs(),
                                            settings.cancellation())
                                    .run(plan, listener);
                        }
                        case LOAD -> {
                            Supplier<StateLookup> lookup = lookupAhead(false);
                            Plan plan = planner.online(request.selection(), lookup);
                            yield BuildRun.load(
                                            graph(),
                                            planner.packer(),
                                            driver,
                                            new CacheRefs(registry(), git()),
                                            daemon(),
                                            request.jobs(),
                                            settings.cancellation())
                                    .run(plan, listener);
                        }
                        case PUSH -> {
                            Plan plan = planner.online(request.selection(), lookupAhead(true));
                            yield BuildRun.push(
                                            graph(),
                                            planner.packer(),
                                            driver,
                                            registry(),
                                            new CacheRefs(registry(), git()),
                                            tags(request),
                                            request.jobs(),
                                            settings.cancellation())
                                    .run(plan, listener);
                        }
                    };
            planner.saveDigests();
            return report;
        }
    }

    /** The tags a {@code --push} build writes besides the state tag: fixed ones, and moving ones if allowed. */
    public ImageTags tags(BuildRequest request) {
        ImageTags tags = ImageTags.of(graph().project().config().tags(), git(), request.extraTags());
        return request.movingTags() ? tags : tags.fixedOnly();
    }

    private String single(String image) {
        return Selection.of(List.of(image)).apply(graph()).get(0);
    }

    private GitFacts git() {
        if (git == null) {
            git = GitFacts.read(graph().project().root(), settings.environment());
        }
        return git;
    }

    private DockerDaemon daemon() {
        return new DockerDaemon(settings.environment());
    }

    /** The registry, its client started on first use. */
    private Manifests registry() {
        startRegistry();
        return Parallel.get(registry);
    }

    /**
     * Starts the registry client on another thread while the caller hashes (its TLS set-up then costs nothing);
     * the lookup waits for it and rethrows what starting it threw.
     */
    private Supplier<StateLookup> lookupAhead(boolean fetchManifests) {
        startRegistry();
        return () -> StateLookup.registry(registry(), fetchManifests);
    }

    private void startRegistry() {
        if (registry == null) {
            registry = Parallel.ahead(
                    "deja-registry-start",
                    () -> new RegistryManifests(RegistryClient.create(
                            new DockerConfigCredentials(settings.environment()),
                            Set.copyOf(settings.insecureRegistries()),
                            settings.debug(),
                            settings.retry())));
        }
    }
}
