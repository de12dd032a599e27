package dev.deja.engine;

import dev.deja.engine.bases.BaseResolver;
import dev.deja.engine.bases.Bases;
import dev.deja.engine.bases.LockFile;
import dev.deja.engine.bases.Mirrors;
import dev.deja.engine.bases.ResolvedBases;
import dev.deja.engine.build.BuildListener;
import dev.deja.engine.build.BuildRun;
import dev.deja.engine.build.ImageTags;
import dev.deja.engine.build.Puller;
import dev.deja.engine.build.UncommittedImages;
import dev.deja.engine.config.BasePolicy;
import dev.deja.engine.config.ConfigException;
import dev.deja.engine.config.Notice;
import dev.deja.engine.dev.DevException;
import dev.deja.engine.dev.DevLoop;
import dev.deja.engine.docker.BuildDriver;
import dev.deja.engine.docker.DockerDaemon;
import dev.deja.engine.exec.Parallel;
import dev.deja.engine.git.Git;
import dev.deja.engine.git.GitFacts;
import dev.deja.engine.git.GitVouching;
import dev.deja.engine.git.RevisionTree;
import dev.deja.engine.git.Uncommitted;
import dev.deja.engine.graph.BaseUse;
import dev.deja.engine.graph.ImageGraph;
import dev.deja.engine.graph.Selection;
import dev.deja.engine.pack.DigestCaches;
import dev.deja.engine.pack.EntitlementCheck;
import dev.deja.engine.pack.ImagePacker;
import dev.deja.engine.pack.LikelyBuilt;
import dev.deja.engine.pack.PackedImage;
import dev.deja.engine.plan.CacheRefs;
import dev.deja.engine.plan.Decision;
import dev.deja.engine.plan.FanOut;
import dev.deja.engine.plan.Manifests;
import dev.deja.engine.plan.Plan;
import dev.deja.engine.plan.PlannedImage;
import dev.deja.engine.plan.Planner;
import dev.deja.engine.plan.RegistryManifests;
import dev.deja.engine.plan.StateLookup;
import dev.deja.engine.project.ImageDefinition;
import dev.deja.engine.project.InitialConfig;
import dev.deja.engine.project.Project;
import dev.deja.engine.project.ProjectLoader;
import dev.deja.engine.report.BuildReport;
import dev.deja.engine.why.Earlier;
import dev.deja.engine.why.Explainer;
import dev.deja.engine.why.Snapshot;
import dev.deja.engine.why.Why;
import dev.deja.packer.context.ContextEntry;
import dev.deja.packer.context.ContextFiles;
import dev.deja.packer.state.ContentHasher;
import dev.deja.packer.state.DigestCache;
import dev.deja.packer.state.State;
import dev.deja.packer.state.Vouching;
import dev.deja.registry.RegistryClient;
import dev.deja.registry.auth.DockerConfigCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

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
     * @param devImages   {@code --dev}: images taken as their local {@code <name>:dev}; the build is then of the
     *                    selected images that depend on them (LOAD and LOCAL only)
     */
    public record BuildRequest(
            Selection selection,
            Mode mode,
            List<String> extraTags,
            boolean movingTags,
            int jobs,
            String builderName,
            List<String> devImages) {
        public BuildRequest {
            extraTags = List.copyOf(extraTags);
            devImages = List.copyOf(devImages);
        }

        public BuildRequest(
                Selection selection,
                Mode mode,
                List<String> extraTags,
                boolean movingTags,
                int jobs,
                String builderName) {
            this(selection, mode, extraTags, movingTags, jobs, builderName, List.of());
        }

        BuildRequest withSelection(Selection newSelection) {
            return new BuildRequest(newSelection, mode, extraTags, movingTags, jobs, builderName, List.of());
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
    private final ImageGraph graph;
    private final ContentHasher hasher;
    /** Git's commit, branch and ancestors, read once a run on a thread of their own (see {@link #askGitAhead}). */
    private CompletableFuture<GitFacts> gitFacts;

    private Map<String, String> uncommitted;
    /** {@code git status} of the checkout, asked ahead by the runs that push (see {@link #uncommitted}). */
    private CompletableFuture<Optional<Uncommitted>> statusAhead;

    /** Git's refusal of the checkout, in its words, once found (said once: {@link #sayGitRefused}). */
    private String gitRefusal;

    private boolean loaded;

    private CacheRefs cacheRefs;
    private CompletableFuture<RegistryClient> client;
    /** The planner of this run's command, so a check after a plan reads the contexts it packed, not again. */
    private Planner lastPlanner;

    public Deja(DejaSettings settings) {
        this.settings = settings;
        if (settings.registryAhead()) {
            startRegistry();
        }
        // Git reads its index while the config and the Dockerfiles are read: most runs ask it about every context.
        GitVouching.Reading git = DigestCaches.isOff(settings.environment())
                ? null
                : GitVouching.reading(settings.directory(), settings.environment(), this::sayGitRefused);
        Project project = new ProjectLoader(settings.environment())
                .load(settings.directory(), settings.config(), settings.registry());
        if (!settings.drafting()) {
            project.imageWithoutRegistry().ifPresent(image -> {
                throw new ConfigException(
                        image.declaredIn(),
                        image.line(),
                        "image '" + image.name() + "' has no registry while other images name theirs: set"
                                + " registry: in deja.yaml (or --registry), or give it a repository with a registry"
                                + " host (deja init -o - suggests one)");
            });
        }
        DigestCache digests = DigestCaches.forProject(project.root(), settings.environment(), settings.notices());
        Vouching vouching = git != null && digests.enabled() ? git.forProject(project.root()) : Vouching.none();
        this.graph = ImageGraph.of(project);
        this.hasher = ContentHasher.forThisMachine(digests, vouching, settings.debugLines());
        List<Notice> notices = graph.notices();
        notices.stream().limit(NOTICES_SAID).forEach(notice -> settings.notices()
                .accept(notice.describe(graph.project().root())));
        if (notices.size() > NOTICES_SAID) {
            settings.notices()
                    .accept("… and " + (notices.size() - NOTICES_SAID)
                            + " more notices like these (deja init -o - lists them all)");
        }
        projectLoaded();
    }

    /**
     * Says once, whichever of the run's git readers finds it first, that git refuses the checkout (its owner is not
     * the user deja runs as: a CI container's usual case), and what that costs: without a word of it, such a run
     * looked like any other, only slower, and its images lacked their commit tags. Held until the project is loaded:
     * a run that stops at its config says only why.
     */
    private synchronized void sayGitRefused(String words) {
        if (gitRefusal == null) {
            gitRefusal = words;
            if (loaded) {
                sayGitRefusal();
            }
        }
    }

    /** The project is loaded: a refusal found meanwhile is said now, one found later when found. */
    private synchronized void projectLoaded() {
        loaded = true;
        if (gitRefusal != null) {
            sayGitRefusal();
        }
    }

    private void sayGitRefusal() {
        settings.notices()
                .accept("git refuses to read this checkout, so deja reads and hashes every file of the contexts instead"
                        + " of taking git's word for them, and tags no image with the commit: " + gitRefusal);
    }

    /** Every command says the notices again: a few, then how many more, so that a big tree does not drown output. */
    private static final int NOTICES_SAID = 5;
    /** At most this many images a run have what their builds need started before their states are known. */
    private static final int STARTED_EARLY = 4;

    public ImageGraph graph() {
        return graph;
    }

    /**
     * A planner for {@code names} and their ancestors, with their bases found the way the project's policy says:
     * asked of the registries ({@code online} under {@code bases: track}), read from deja.lock, unresolved
     * (offline under {@code track}), or left out ({@code ignore}).
     */
    private Planner planner(List<String> names, boolean online) {
        return planner(names, online, LikelyBuilt.NONE);
    }

    /** @param likelyBuilt told of each image most likely built, while its state is computed */
    private Planner planner(List<String> names, boolean online, LikelyBuilt likelyBuilt) {
        lastPlanner = new Planner(
                graph, hasher, new ImagePacker(graph, hasher, basesAhead(names, online), Map.of(), likelyBuilt));
        return lastPlanner;
    }

    private Planner planner(Selection selection, boolean online) {
        return planner(selection.apply(graph), online);
    }

    /**
     * The bases as {@link #bases} finds them; asked of the registries on a thread of their own, so that the contexts
     * are walked meanwhile (most of a miss's time before its build, with the registries' round trips).
     */
    private Supplier<ResolvedBases> basesAhead(List<String> names, boolean online) {
        List<BaseUse> uses = baseUses(names);
        if (online && graph.project().config().bases() == BasePolicy.TRACK && !uses.isEmpty()) {
            CompletableFuture<ResolvedBases> resolving = Parallel.ahead("deja-bases", () -> bases(uses, true));
            return () -> Parallel.get(resolving);
        }
        ResolvedBases resolved = bases(uses, online);
        return () -> resolved;
    }

    private ResolvedBases bases(List<BaseUse> uses, boolean online) {
        return switch (graph.project().config().bases()) {
            case IGNORE -> ResolvedBases.ignored();
            case LOCK -> {
                ResolvedBases locked = Bases.fromLock(graph.project(), uses);
                List<String> newer = Bases.changedSinceLock(graph.project(), uses);
                if (!newer.isEmpty()) {
                    settings.notices()
                            .accept(LockFile.NAME + " is older than " + String.join(", ", newer)
                                    + " (changed since it was written): its bases may not be the ones meant now;"
                                    + " deja lock --update resolves them again");
                }
                yield locked;
            }
                // No base to resolve, no registry client to start: its set-up would hold up the walks.
            case TRACK -> online && !uses.isEmpty()
                    ? new ResolvedBases(BasePolicy.TRACK, resolver().resolve(uses))
                    : ResolvedBases.unresolved(uses);
        };
    }

    private List<BaseUse> baseUses(List<String> names) {
        Set<String> all = new LinkedHashSet<>();
        names.forEach(name -> all.addAll(graph.ancestorsAndSelf(name)));
        return all.stream().flatMap(name -> graph.bases(name).stream()).toList();
    }

    private BaseResolver resolver() {
        return new BaseResolver(
                client(), Mirrors.from(settings.environment()), graph.project().root());
    }

    /** Without a registry deja works against the local daemon's image store. */
    public boolean localMode() {
        return graph().project().localMode();
    }

    /**
     * What would stop the selection's builds, offline, each as a {@code file:line: …} line: every COPY/ADD and RUN
     * bind-mount source that its packed context does not hold (the wrong context), and every RUN step that needs an
     * entitlement its image is not granted.
     */
    public List<String> check(Selection selection) {
        List<String> found = new ArrayList<>();
        Planner planner = lastPlanner != null ? lastPlanner : planner(selection, false);
        Path root = graph().project().root();
        for (String name : selection.apply(graph())) {
            ImageDefinition image = graph().project().byName().get(name);
            planner.packer().missingSources(name).forEach(missing -> found.add(missing.describe(root)));
            EntitlementCheck.ungranted(graph(), image).ifPresent(found::add);
        }
        planner.saveDigests();
        return found;
    }

    /** The deja.yaml this project would have, for {@code deja init} to write. */
    public String initialConfig() {
        return InitialConfig.render(graph().project());
    }

    /**
     * The states of the selection, parents first; no state is looked up. Unless {@code offline}, bases are asked of
     * their registries (under {@code bases: track}).
     */
    public Plan states(Selection selection, boolean offline) {
        return planner(selection, !offline).offline(selection);
    }

    /** The plan: states and, unless {@code offline}, what exists of them (registry, or daemon in local mode). */
    public Plan plan(Selection selection, boolean offline) {
        if (offline) {
            return planner(selection, false).offline(selection);
        }
        if (localMode()) {
            return planner(selection, true).online(selection, () -> StateLookup.daemon(daemon()));
        }
        Planner planner = planner(selection, true);
        return explained(planner, planner.online(selection, lookupAhead(false)));
    }

    /**
     * The selection's current states and whether they exist (registry, or daemon in local mode), without the plan's
     * reasons: what {@code deja env} names.
     */
    public Plan current(Selection selection) {
        Planner planner = planner(selection, true);
        return localMode()
                ? planner.online(selection, () -> StateLookup.daemon(daemon()))
                : planner.online(selection, lookupAhead(false));
    }

    /**
     * One image packed: its context entries, rewritten Dockerfile and state. Nothing is asked of a registry: bases
     * come from deja.lock, or stay unresolved under {@code bases: track}.
     */
    public PackedImage context(String image) {
        String name = single(image);
        Planner planner = planner(List.of(name), false);
        PackedImage packed = planner.packer().pack(name);
        planner.saveDigests();
        return packed;
    }

    /**
     * Resolves every base of the project's images and writes deja.lock: the bases it lacks, or with
     * {@code update} all of them again. Returns the lock's entries before and after.
     */
    public Bases.LockChange lock(boolean update) {
        List<BaseUse> uses = baseUses(graph.names());
        return Bases.lock(graph.project(), uses, update, resolver());
    }

    /** The best {@code --cache-from} reference of one image, if the registry has any candidate. */
    public Optional<String> cacheRef(String image) {
        String name = single(image);
        Planner planner = planner(List.of(name), true);
        PackedImage packed = planner.packer().pack(name);
        planner.saveDigests();
        return cacheRefs()
                .find(
                        graph().project().repository(name),
                        graph().project().byName().get(name).tagFormat(),
                        packed.state());
    }

    /** The online plan spread over CI jobs. */
    public FanOut fanOut(Selection selection) {
        Plan plan = planner(selection, true).online(selection, lookupAhead(false));
        return FanOut.of(plan, graph());
    }

    /** Pulls every image whose state is in the registry into the daemon. */
    public List<Puller.Pulled> pull(Selection selection, int jobs) {
        Plan plan = planner(selection, true).online(selection, lookupAhead(false));
        return new Puller(daemon(), jobs).pull(plan);
    }

    /** What {@code build --push} would do, asking the registry but writing nothing. */
    public DryRun dryRun(BuildRequest request) {
        askGitAhead();
        askStatusAhead();
        Planner planner = planner(request.selection(), true);
        Plan plan = explained(planner, planner.online(request.selection(), lookupAhead(false)));
        ImageTags tags = tags(request);
        sayLeftOut(plan, tags);
        return new DryRun(plan, tags);
    }

    /** Builds what is missing and writes the tags, the way {@code request.mode()} says. */
    public BuildReport build(BuildRequest request, BuildListener listener) {
        askGitAhead();
        if (!request.devImages().isEmpty()) {
            return buildOnDev(request, listener);
        }
        try (BuildDriver driver = driver(request)) {
            LikelyBuilt likelyBuilt =
                    request.mode() == Mode.LOCAL || localMode() ? LikelyBuilt.NONE : startedEarly(driver);
            return build(request, listener, planner(request.selection().apply(graph), true, likelyBuilt), driver);
        }
    }

    private BuildDriver driver(BuildRequest request) {
        return new BuildDriver(
                settings.environment(),
                new BuildDriver.Options(
                        request.builderName(), graph().project().config().cache()),
                settings.cancellation(),
                settings.notices(),
                settings.debugLines());
    }

    /**
     * What a build starts for an image most likely built (its context is new to the digest cache) while its state is
     * computed: its cache sources asked of the registry (all but its state tag, which the plan asks anyway) and its
     * files copied out as soon as its walk lists them, instead of a round trip and a copy after the plan. At most
     * {@value #STARTED_EARLY} images a run: a guess that is wrong (the state was built elsewhere) costs a round of
     * HEADs and a copy.
     */
    private LikelyBuilt startedEarly(BuildDriver driver) {
        Set<String> started = ConcurrentHashMap.newKeySet();
        return new LikelyBuilt() {
            @Override
            public void contextNew(String name) {
                ImageDefinition image = graph.project().byName().get(name);
                synchronized (started) {
                    if (image.exportsFiles() || started.size() >= STARTED_EARLY || !started.add(name)) {
                        return;
                    }
                }
                settings.debugLines()
                        .accept(name + ": its context is new to the digest cache (most likely built): its cache"
                                + " sources are asked and its files copied out while its state is computed");
                Parallel.ahead("deja-cache-sources-first", () -> {
                    cacheRefs().prefetch(graph.project().repository(name), image.tagFormat());
                    return name;
                });
            }

            @Override
            public void listed(String name, List<ContextEntry> entries) {
                if (started.contains(name)) {
                    driver.writeEarly(name, entries);
                }
            }
        };
    }

    /**
     * {@code build --dev X}: the selected images that depend on X, built into the daemon on its local
     * {@code X:dev} (whose image ID stands for X in their states: every new commit of X:dev gives them new states).
     */
    private BuildReport buildOnDev(BuildRequest request, BuildListener listener) {
        if (request.mode() == Mode.PUSH) {
            throw new ConfigException((Path) null, "--dev builds on local <image>:dev images: use it without --push");
        }
        Map<String, String> dev = new TreeMap<>();
        DockerDaemon daemon = daemon();
        for (String image : request.devImages()) {
            String name = single(image);
            String id = daemon.imageId(ImagePacker.devTag(name))
                    .orElseThrow(() -> new ConfigException(
                            (Path) null,
                            "--dev " + name + ": there is no " + ImagePacker.devTag(name) + " image here (deja dev "
                                    + name + " makes it)"));
            dev.put(name, id);
        }
        Set<String> onDev = new LinkedHashSet<>();
        dev.keySet().forEach(name -> onDev.addAll(graph.descendantsAndSelf(name)));
        onDev.removeAll(dev.keySet());
        List<String> names = request.selection().apply(graph).stream()
                .filter(onDev::contains)
                .toList();
        if (names.isEmpty()) {
            throw new ConfigException(
                    (Path) null,
                    "--dev " + String.join(", ", dev.keySet()) + ": no selected image depends on "
                            + (dev.size() == 1 ? "it" : "them") + " (--dev builds the images that do)");
        }
        Selection selection = Selection.of(names);
        Planner planner = new Planner(graph, hasher, basesAhead(names, true), dev);
        lastPlanner = planner;
        try (BuildDriver driver = driver(request)) {
            return build(request.withSelection(selection), listener, planner, driver);
        }
    }

    private BuildReport build(BuildRequest request, BuildListener listener, Planner planner, BuildDriver driver) {
        BuildReport report =
                switch (request.mode()) {
                    case LOCAL -> {
                        Plan plan = planner.online(request.selection(), () -> StateLookup.daemon(daemon()));
                        building(driver, planner, plan);
                        yield BuildRun.local(
                                        graph(),
                                        planner.packer(),
                                        driver,
                                        daemon(),
                                        request.jobs(),
                                        settings.cancellation(),
                                        revision())
                                .run(plan, listener);
                    }
                    case LOAD -> {
                        Supplier<StateLookup> lookup = lookupAhead(false);
                        Plan plan = contextsAhead(
                                driver,
                                planner,
                                request.jobs(),
                                probing(driver, cacheSourcesAhead(planner.online(request.selection(), lookup))));
                        Supplier<Plan> explained = explainedWhileBuilding(planner, plan);
                        yield BuildRun.load(
                                        graph(),
                                        planner.packer(),
                                        driver,
                                        cacheRefs(),
                                        daemon(),
                                        request.jobs(),
                                        settings.cancellation(),
                                        revision())
                                .run(plan, explained, listener);
                    }
                    case PUSH -> {
                        askStatusAhead();
                        Plan plan = contextsAhead(
                                driver,
                                planner,
                                request.jobs(),
                                probing(
                                        driver,
                                        cacheSourcesAhead(planner.online(request.selection(), lookupAhead(true)))));
                        // The reasons (and with them the cache sources of the images to build) are asked for
                        // while the tags are worked out.
                        Supplier<Plan> explained = explainedWhileBuilding(planner, plan);
                        ImageTags tags = tags(request);
                        sayLeftOut(plan, tags);
                        yield BuildRun.push(
                                        graph(),
                                        planner.packer(),
                                        driver,
                                        registry(),
                                        cacheRefs(),
                                        tags,
                                        request.jobs(),
                                        settings.cancellation(),
                                        revision())
                                .run(plan, explained, listener);
                    }
                };
        planner.saveDigests();
        return report;
    }

    /**
     * Why an image's state is what it is: compared with the nearest image the registry has (the cache-ref order),
     * with the registry's image at a state tag ({@code against} = {@code s1-…}), or with the image's state at a
     * commit ({@code against} = anything git resolves). Files, inputs, bases and parents, recursively.
     */
    public Why why(String image, String against) {
        String name = single(image);
        Planner planner = planner(List.of(name), true);
        Function<String, Snapshot> now = n -> Earlier.of(planner.packer(), graph, n, "now");
        List<Path> folders = new ArrayList<>();
        Map<String, Optional<Earlier.Checkout>> checkouts = new HashMap<>();
        Earlier.Revisions revisions = (revision, bases) ->
                checkouts.computeIfAbsent(revision + " " + bases, key -> checkout(revision, bases, folders));
        try {
            Explainer.Earlier earlier;
            String stateTag = against == null
                    ? ""
                    : graph.project().byName().get(name).tagFormat().strip(against);
            if (against != null && !State.isStateTag(stateTag)) {
                String commit = RevisionTree.commit(graph.project().root(), against)
                        .orElseThrow(() -> new ConfigException(
                                (Path) null,
                                "--against " + against + ": neither a state tag (" + State.TAG_PREFIX
                                        + "…) nor a revision git knows here"));
                Earlier.Checkout then = checkout(
                                commit, planner.packer().bases().digests(), folders)
                        .orElseThrow();
                earlier = Earlier.revision(commit, then);
            } else if (localMode()) {
                throw new ConfigException(
                        graph.project().config().file(),
                        "why compares with the registry's images, and this project has none (local mode):"
                                + " compare with a commit instead (--against HEAD~1)");
            } else {
                Function<String, Optional<String>> nearestTag = nearestTag(planner);
                Function<String, Optional<String>> nearest =
                        n -> against != null ? Optional.of(against) : nearestTag.apply(n);
                earlier = Earlier.registry(registry(), graph, nearest, revisions, git().commitAndAncestors());
            }
            Why why = new Explainer(now, earlier).explain(name);
            planner.saveDigests();
            return why;
        } finally {
            for (Path folder : folders) {
                try {
                    ContextFiles.delete(folder);
                } catch (IOException e) {
                    settings.notices().accept("cannot remove " + folder + ": " + e.getMessage());
                }
            }
        }
    }

    /** This run's cache references: the reasons of a plan and its builds ask the registry once. */
    private synchronized CacheRefs cacheRefs() {
        if (cacheRefs == null) {
            cacheRefs = new CacheRefs(registry(), git());
        }
        return cacheRefs;
    }

    /**
     * Starts looking up the cache sources of the images the plan builds, in its order, on a thread of their own: the
     * first build then waits for its own only (they are on its command line), and the reasons find them known.
     */
    private Plan cacheSourcesAhead(Plan plan) {
        List<PlannedImage> building = plan.images().stream()
                .filter(image -> image.decision() == Decision.BUILD)
                .toList();
        if (!building.isEmpty()) {
            CacheRefs refs = cacheRefs();
            // The plan just found their state tags absent.
            building.forEach(image -> refs.absent(image.repository(), image.stateTag()));
            Parallel.ahead("deja-cache-sources", () -> {
                building.forEach(image -> refs.existing(image.repository(), image.tagFormat(), image.state()));
                return building.size();
            });
        }
        return plan;
    }

    /** An image's nearest tag in the registry, in the cache-ref order (its state tag first). */
    private Function<String, Optional<String>> nearestTag(Planner planner) {
        CacheRefs refs = cacheRefs();
        return name -> refs.find(
                        graph.project().repository(name),
                        graph.project().byName().get(name).tagFormat(),
                        planner.packer().state(name))
                .map(ref -> ref.substring(graph.project().repository(name).length() + 1));
    }

    /**
     * Starts asking the docker CLI what builds as soon as the plan has an image to build (while the reasons are
     * found and the first context is written out); a run that only reuses never asks.
     */
    private static Plan probing(BuildDriver driver, Plan plan) {
        if (plan.images().stream().anyMatch(image -> image.decision().runsBuilder())) {
            driver.prepare();
        }
        return plan;
    }

    /**
     * Starts writing out the contexts of the first builds (those of images no other build of the plan comes before,
     * as many as run at once), while the run goes on to them: the copy of a large context then overlaps the plan's
     * end, the cache sources and the labels.
     */
    private Plan contextsAhead(BuildDriver driver, Planner planner, int jobs, Plan plan) {
        Set<String> building = building(driver, planner, plan);
        plan.images().stream()
                .filter(image -> building.contains(image.name()))
                .filter(image -> graph.parents(image.name()).stream()
                        .noneMatch(dependency -> building.contains(dependency.parent())))
                .limit(Math.max(1, jobs))
                .forEach(image -> driver.writeAhead(planner.packer().pack(image.name())));
        return plan;
    }

    /** The images {@code plan} builds, told to {@code driver} with the walks their contexts were placed in. */
    private Set<String> building(BuildDriver driver, Planner planner, Plan plan) {
        Set<String> building = plan.images().stream()
                .filter(image -> image.decision() == Decision.BUILD)
                .map(PlannedImage::name)
                .collect(Collectors.toSet());
        Map<String, String> walks = new HashMap<>();
        for (String name : building) {
            walks.put(name, planner.packer().walkKey(name));
        }
        driver.willBuild(walks);
        return building;
    }

    /**
     * The plan with a one-line reason for every image to build: what differs from the nearest image the registry
     * has, from the summaries in their labels (no file is read again, no commit checked out).
     */
    private Plan explained(Planner planner, Plan plan) {
        Explainer explainer = new Explainer(
                name -> Earlier.of(planner.packer(), graph, name, "now"),
                Earlier.registry(
                        registry(), graph, nearestTag(planner), (revision, bases) -> Optional.empty(), List.of()));
        List<PlannedImage> images = Parallel.map(
                plan.images(),
                Parallel.DEFAULT_WIDTH,
                image -> image.decision() == Decision.BUILD
                        ? image.withReason(explainer.explain(image.name()).reason())
                        : image);
        return new Plan(images, plan.manifests());
    }

    /**
     * {@link #explained} on a thread of its own, so that the builds need not wait for it: the report shows the
     * reasons, the builds do not use them (the cache sources both ask for are looked up once). A reason that cannot
     * be found is said, and the report goes without it: the builds are what the run is for.
     */
    private Supplier<Plan> explainedWhileBuilding(Planner planner, Plan plan) {
        if (plan.images().stream().noneMatch(image -> image.decision() == Decision.BUILD)) {
            return () -> plan;
        }
        CompletableFuture<Plan> explaining = Parallel.ahead("deja-reasons", () -> explained(planner, plan));
        return () -> {
            try {
                return Parallel.get(explaining);
            } catch (RuntimeException e) {
                settings.notices().accept("cannot tell why the images were built: " + e.getMessage());
                return plan;
            }
        };
    }

    /**
     * The project as it was at {@code revision}, written from git's objects into a folder of its own (added to
     * {@code folders}, which the caller removes); its bases from its own deja.lock under {@code bases: lock}, else
     * {@code bases}. Empty when git does not have the commit.
     */
    private Optional<Earlier.Checkout> checkout(String revision, Map<String, String> bases, List<Path> folders) {
        Optional<String> commit = RevisionTree.commit(graph.project().root(), revision);
        if (commit.isEmpty()) {
            return Optional.empty();
        }
        Path folder;
        try {
            folder = Files.createTempDirectory("deja-why-");
        } catch (IOException e) {
            throw new ConfigException((Path) null, "cannot make a folder for the tree of " + revision + ": " + e);
        }
        folders.add(folder);
        Path root = RevisionTree.write(graph.project().root(), commit.get(), folder);
        Path config = settings.config() == null
                ? null
                : root.resolve(graph.project()
                        .root()
                        .relativize(settings.config().toAbsolutePath())
                        .toString());
        Path start = settings.directory().toAbsolutePath().normalize();
        Path searchFrom = start.startsWith(graph.project().root())
                ? root.resolve(graph.project().root().relativize(start).toString())
                : root;
        Project then = new ProjectLoader(settings.environment()).loadAt(root, searchFrom, config, settings.registry());
        ImageGraph graphThen = ImageGraph.of(then);
        ResolvedBases basesThen =
                switch (then.config().bases()) {
                    case IGNORE -> ResolvedBases.ignored();
                    case LOCK -> new ResolvedBases(BasePolicy.LOCK, LockFile.read(Bases.lockFile(then)));
                    case TRACK -> new ResolvedBases(BasePolicy.TRACK, new TreeMap<>(bases));
                };
        return Optional.of(new Earlier.Checkout(
                graphThen,
                new ImagePacker(
                        graphThen, new ContentHasher(Runtime.getRuntime().availableProcessors()), basesThen)));
    }

    /**
     * {@code deja dev IMAGE}: one run of its dev loop (see {@link DevLoop}); the image of its state is made local
     * first when the container has to start (pulled from the registry, else built into the daemon).
     */
    public DevLoop devLoop(String image, Consumer<String> log) {
        String name = single(image);
        return new DevLoop(
                graph,
                name,
                settings.environment(),
                settings.cancellation(),
                stateFolder(),
                starting -> localImage(starting, log),
                log);
    }

    /**
     * Packers over the files as they are at each call (a dev loop repacks on every poll of {@code --watch}); the
     * bases are found once, so polling asks no registry.
     */
    public Supplier<ImagePacker> freshPackers(String image) {
        ResolvedBases resolved = bases(baseUses(List.of(single(image))), true);
        return () -> new ImagePacker(graph, hasher, resolved);
    }

    /** Makes the image of {@code name}'s current state local, its parents too; returns its reference. */
    private String localImage(String name, Consumer<String> log) {
        Selection upto = new Selection(List.of(), List.of(name), List.of(), List.of());
        BuildRequest request = new BuildRequest(
                upto,
                localMode() ? Mode.LOCAL : Mode.LOAD,
                List.of(),
                false,
                Runtime.getRuntime().availableProcessors(),
                "");
        BuildReport report = build(request, BuildListener.prefixed(log));
        if (!report.succeeded()) {
            throw new DevException("the image of " + name + "'s state could not be made local (deja build"
                    + (localMode() ? "" : " --load") + " --upto " + name + " says why)");
        }
        return report.images().stream()
                .filter(result -> result.name().equals(name))
                .map(result -> result.repository() + ":" + result.state())
                .findFirst()
                .orElseThrow();
    }

    /** Where deja keeps what it knows between runs on this machine (dev records). */
    private Path stateFolder() {
        return UserFolders.state(settings.environment())
                .orElseGet(() -> Path.of(System.getProperty("user.home"), ".local", "state", "deja"));
    }

    /**
     * The tags a {@code --push} build writes besides the state tag: fixed ones, and moving ones if allowed; git's
     * left out for the images that are not the commit's.
     */
    public ImageTags tags(BuildRequest request) {
        ImageTags tags = ImageTags.of(graph().project().config().tags(), git(), request.extraTags());
        if (!tags.fromGit().isEmpty() && !inCi()) {
            tags = tags.withUncommitted(uncommitted());
        }
        return request.movingTags() ? tags : tags.fixedOnly();
    }

    /**
     * Whether this run is a CI job ({@code CI} set, as GitLab, GitHub and most CI services do). There the checkout
     * starts as the commit, and what the pipeline adds or edits before it builds (artifacts of earlier jobs, a version
     * written into a file) is the commit's build: every tag is written.
     */
    private boolean inCi() {
        String ci = settings.environment().getOrDefault("CI", "");
        return !ci.isBlank() && !ci.equalsIgnoreCase("false") && !ci.equals("0");
    }

    /** Why each image of the project is not the commit's, by name (asked once a run: {@code git status}). */
    private Map<String, String> uncommitted() {
        if (uncommitted == null) {
            askStatusAhead();
            uncommitted =
                    UncommittedImages.find(graph(), Parallel.get(statusAhead).orElse(Uncommitted.NONE));
        }
        return uncommitted;
    }

    /** Starts asking git what is not committed, for the tags written at the end of a run that pushes. */
    private void askStatusAhead() {
        if (statusAhead == null && !inCi()) {
            Path root = graph().project().root();
            statusAhead = Parallel.ahead("deja-git-uncommitted", () -> Uncommitted.read(root));
        }
    }

    /** Says which images of {@code plan} do not get git's tags, and why: one notice, a line per image. */
    private void sayLeftOut(Plan plan, ImageTags tags) {
        StringBuilder images = new StringBuilder();
        Set<String> leftOut = new LinkedHashSet<>();
        for (PlannedImage image : plan.images()) {
            List<String> tagsLeftOut = tags.leftOut(image);
            if (!tagsLeftOut.isEmpty() && image.decision() != Decision.EXPORT) {
                leftOut.addAll(tagsLeftOut);
                images.append("\n  ")
                        .append(image.name())
                        .append(": ")
                        .append(tags.uncommitted().get(image.name()));
            }
        }
        if (!leftOut.isEmpty()) {
            settings.notices()
                    .accept("not the commit's, these images get their state tag but not " + String.join(", ", leftOut)
                            + " (those would name content no commit has; commit, then run again):" + images);
        }
    }

    private String single(String image) {
        return Selection.of(List.of(image)).apply(graph()).get(0);
    }

    /** The commit being built, "" outside git. */
    private String revision() {
        return git().commit();
    }

    private GitFacts git() {
        askGitAhead();
        return Parallel.get(gitFacts);
    }

    /**
     * Starts reading git's facts (four git commands, one after the other) for a run that labels and tags its images:
     * they are needed only once the plan is made.
     */
    private synchronized void askGitAhead() {
        if (gitFacts == null) {
            Path root = graph().project().root();
            gitFacts = Parallel.ahead("deja-git-facts", () -> {
                GitFacts facts = GitFacts.read(root, settings.environment());
                if (facts.commit().isEmpty()) {
                    Git.refusal(root).ifPresent(this::sayGitRefused);
                }
                return facts;
            });
        }
    }

    private DockerDaemon daemon() {
        return new DockerDaemon(settings.environment());
    }

    /** The registry, its client started on first use. */
    private Manifests registry() {
        return new RegistryManifests(client());
    }

    private RegistryClient client() {
        startRegistry();
        return Parallel.get(client);
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
        if (client == null) {
            client = Parallel.ahead("deja-registry-start", () -> RegistryClient.create(
                            new DockerConfigCredentials(settings.environment()),
                            Set.copyOf(settings.insecureRegistries()),
                            settings.debug(),
                            settings.retry())
                    .prepare());
        }
    }
}
