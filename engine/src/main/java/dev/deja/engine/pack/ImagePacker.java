package dev.deja.engine.pack;

import dev.deja.engine.bases.ResolvedBases;
import dev.deja.engine.exec.Parallel;
import dev.deja.engine.graph.BaseUse;
import dev.deja.engine.graph.Dependency;
import dev.deja.engine.graph.ImageGraph;
import dev.deja.engine.pack.PackedImage.Contents;
import dev.deja.engine.project.ImageDefinition;
import dev.deja.engine.project.Project;
import dev.deja.packer.InputException;
import dev.deja.packer.Lazy;
import dev.deja.packer.context.ContextCollector;
import dev.deja.packer.context.ContextEntry;
import dev.deja.packer.context.ContextSpec;
import dev.deja.packer.context.PackedContext;
import dev.deja.packer.dockerfile.CopySource;
import dev.deja.packer.dockerfile.Dockerfile;
import dev.deja.packer.dockerfile.ImageUse;
import dev.deja.packer.state.BuildInputs;
import dev.deja.packer.state.ContentHasher;
import dev.deja.packer.state.KnownState;
import dev.deja.packer.state.State;
import dev.deja.packer.state.VouchedTree;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Packs images and computes their states, parents first: a child's Dockerfile names its parents by their exact
 * state ({@code <repository>:<state tag>}), so a parent's change reaches every descendant and nothing else.
 */
public final class ImagePacker {

    private final ImageGraph graph;
    private final ContentHasher hasher;
    private final Supplier<ResolvedBases> bases;
    private final Map<String, String> devImages;
    private final LikelyBuilt likelyBuilt;
    private final Map<String, PackedImage> packed = new HashMap<>();
    /** What {@link #walkAhead} found of each context it was given, or is finding. */
    private final Map<String, CompletableFuture<Early>> early = new ConcurrentHashMap<>();
    /** The walks this packer keeps for its images (made ahead or when packing). */
    private final KeptWalks keeping;
    /** The states the digest cache gave or was given, by image, with the key they are remembered under. */
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

    private record Remembered(String key, KnownState known) {}

    /** @param bases the digests of the images from outside the repository, pinned and hashed with each image */
    public ImagePacker(ImageGraph graph, ContentHasher hasher, ResolvedBases bases) {
        this(graph, hasher, () -> bases, Map.of());
    }

    /**
     * @param devImages images taken as their local {@code <name>:dev} (by name, to that image's ID): their children
     *                  name {@code <name>:dev}, and its ID stands for it in their states ({@code deja build --dev})
     */
    public ImagePacker(
            ImageGraph graph, ContentHasher hasher, Supplier<ResolvedBases> bases, Map<String, String> devImages) {
        this(graph, hasher, bases, devImages, LikelyBuilt.NONE);
    }

    /** @param likelyBuilt told of each image most likely built, while its state is computed */
    public ImagePacker(
            ImageGraph graph,
            ContentHasher hasher,
            Supplier<ResolvedBases> bases,
            Map<String, String> devImages,
            LikelyBuilt likelyBuilt) {
        this(graph, hasher, bases, devImages, likelyBuilt, new KeptWalks(KeptWalks.DEFAULT_LIMIT));
    }

    /** @param keeping how many walked entries the packer keeps for its images (tests give it little room) */
    ImagePacker(
            ImageGraph graph,
            ContentHasher hasher,
            Supplier<ResolvedBases> bases,
            Map<String, String> devImages,
            LikelyBuilt likelyBuilt,
            KeptWalks keeping) {
        this.graph = graph;
        this.hasher = hasher;
        this.bases = Lazy.of(bases);
        this.devImages = Map.copyOf(devImages);
        this.likelyBuilt = likelyBuilt;
        this.keeping = keeping;
    }

    /** The bases' digests (waited for, when they are still being found). */
    public ResolvedBases bases() {
        return bases.get();
    }

    /**
     * A walk of a context and the digests of its files, made once per run for every image whose context walks the
     * same entries ({@link ContextCollector#walkKey}): a monorepo's images that all take its root as their context.
     */
    private record SharedWalk(ContentHasher.Walked walked, boolean kept) {
        ContextCollector.Walk walk() {
            return walked.walk();
        }

        ContentHasher.Hashed hashed() {
            return walked.hashed();
        }
    }

    /** The walks this run keeps, by {@link ContextCollector#walkKey}. */
    private final Map<String, SharedWalk> walks = new ConcurrentHashMap<>();

    /** Each image's {@link ContextCollector#walkKey}, worked out once (it reads the image's ignore file). */
    private final Map<String, String> walkKeys = new ConcurrentHashMap<>();

    /**
     * The walk {@code name}'s context is placed in ({@link ContextCollector#walkKey}): images with the same key take
     * the same entries.
     */
    public String walkKey(String name) {
        return walkKeys.computeIfAbsent(
                name,
                image -> ContextCollector.walkKey(
                        spec(graph, graph.project().byName().get(image))));
    }

    /** How many walks the packer keeps, one per {@link ContextCollector#walkKey} (tests). */
    int walksKept() {
        return walks.size();
    }

    /**
     * What version control says of a context's files, known before the bases and the parents' states are (its walk,
     * when no remembered state can spare it, is made then too, and kept in {@link #walks} if there is room).
     */
    private record Early(VouchedTree context) {}

    /**
     * Starts finding, on a thread of its own, what can be known of the contexts of {@code names} and their ancestors
     * before their bases and parents are ({@link Early}), parents first: the walks that are needed anyway then run
     * while the registries are asked for the bases.
     */
    public void walkAhead(List<String> names) {
        Map<String, CompletableFuture<Early>> started = new LinkedHashMap<>();
        names.stream()
                .flatMap(name -> graph.ancestorsAndSelf(name).stream())
                .distinct()
                .filter(name -> !packed.containsKey(name) && !early.containsKey(name))
                .sorted(Comparator.comparingInt(graph::level))
                .forEach(name -> started.put(name, new CompletableFuture<>()));
        if (started.isEmpty()) {
            return;
        }
        early.putAll(started);
        // Git is asked for the trees of all their folders at once, before the first of them is vouched for. A spec
        // that cannot be made is left to the walk, which says why.
        List<ContextSpec> specs = new ArrayList<>();
        for (String name : started.keySet()) {
            try {
                specs.add(spec(graph, graph.project().byName().get(name)));
            } catch (RuntimeException e) {
                // said by early(name)
            }
        }
        hasher.willVouch(specs);
        Parallel.ahead("deja-walk-ahead", () -> {
            started.forEach((name, future) -> {
                try {
                    future.complete(early(name));
                } catch (RuntimeException | Error e) {
                    future.completeExceptionally(e);
                }
            });
            return started.size();
        });
    }

    private Early early(String name) {
        ImageDefinition image = graph.project().byName().get(name);
        ContextSpec spec = spec(graph, image);
        boolean dockerfileApart = !image.inlineDockerfile().isEmpty();
        VouchedTree context = hasher.vouch(spec, dockerfileApart);
        // Most contexts are known: only one that is surely walked is asked whether it is likely new too.
        boolean walked = hasher.surelyWalked(context);
        boolean likelyNew = walked && hasher.likelyNewState(context);
        if (likelyNew) {
            likelyBuilt.contextNew(name);
        }
        // A walk that could not be kept would be made again when the image is packed: left to that.
        if (walked && keeping.hasRoom()) {
            sharedWalk(name, spec, likelyNew ? walk -> likelyBuilt.listed(name, walk.sorted()) : walk -> {});
        }
        return new Early(context);
    }

    /** The state of one image (and, on the way, of its ancestors). */
    public State state(String name) {
        return pack(name).state();
    }

    /** Packs one image (once per packer): its context entries, rewritten Dockerfile and build inputs, hashed. */
    public PackedImage pack(String name) {
        PackedImage known = packed.get(name);
        if (known == null) {
            known = packUncached(name);
            packed.put(name, known);
        }
        return known;
    }

    private PackedImage packUncached(String name) {
        ImageDefinition image = graph.project().byName().get(name);
        Map<String, String> parentStates = new TreeMap<>();
        for (Dependency dependency : graph.parents(name)) {
            String dev = devImages.get(dependency.parent());
            parentStates.put(
                    dependency.parent(),
                    dev != null ? "dev:" + dev : state(dependency.parent()).digest());
        }
        Dockerfile dockerfile = graph.dockerfile(name);
        List<BaseUse> imageBases = graph.bases(name);
        String rewritten = dockerfile.rewrite(image.arguments().get(0), use -> parentReference(name, use.reference())
                .or(() -> pinnedBase(imageBases, use)));
        ContextSpec spec = spec(graph, image);
        boolean dockerfileApart = !image.inlineDockerfile().isEmpty();
        Map<String, String> contextStates = new TreeMap<>();
        Map<String, String> imageContexts = new TreeMap<>();
        Map<String, PackedContext> folderContexts = new TreeMap<>();
        image.contexts().forEach((contextName, namedContext) -> {
            switch (namedContext.kind()) {
                case IMAGE -> {
                    String parent = graph.resolve(namedContext.value()).orElseThrow();
                    State parentState = state(parent);
                    contextStates.put(contextName, "image:" + parentState.digest());
                    imageContexts.put(
                            contextName, "docker-image://" + graph.project().reference(parent, parentState.tag()));
                }
                case EXTERNAL -> {
                    String reference = imageBases.stream()
                            .filter(use -> use.how().equals("context " + contextName))
                            .findFirst()
                            .flatMap(bases()::pinned)
                            .orElse(namedContext.value());
                    contextStates.put(contextName, "docker-image://" + namedContext.value());
                    imageContexts.put(contextName, "docker-image://" + reference);
                }
                case FOLDER -> {
                    try (ContentHasher.Session hashing = hasher.start()) {
                        PackedContext folder = ContextCollector.collectFolder(
                                graph.project().root(), namedContext.value(), hashing::submit);
                        contextStates.put(contextName, "folder:" + State.entriesDigest(hashing.complete(folder)));
                        folderContexts.put(contextName, folder);
                    }
                }
            }
        });
        BuildInputs inputs = BuildInputs.of(
                        ContextCollector.dockerfileInContext(spec),
                        image.args(),
                        image.target(),
                        image.platforms(),
                        parentStates)
                .with(image.labels(), contextStates)
                .withBases(bases().forState(imageBases));
        byte[] dockerfileContent = rewritten.getBytes(StandardCharsets.UTF_8);
        CompletableFuture<Early> ahead = early.remove(name);
        Early found = ahead != null ? Parallel.get(ahead) : early(name);
        ContentHasher.Recall recall = hasher.recall(name, found.context(), dockerfileContent, inputs);
        if (recall.known().isPresent()) {
            KnownState known = recall.known().get();
            remembered.put(name, new Remembered(recall.key().orElseThrow(), known));
            Contents contents = Contents.later(
                    known.files(),
                    known.bytes(),
                    () -> walkAgain(
                            name,
                            spec,
                            dockerfileContent,
                            dockerfileApart,
                            inputs,
                            known.state(),
                            "when git vouched for them"),
                    keeping);
            return new PackedImage(name, contents, inputs, known.state(), imageContexts, folderContexts);
        }
        SharedWalk shared = sharedWalk(name, spec);
        PackedImage.Walked walked = place(shared, spec, dockerfileContent, dockerfileApart);
        // Placed in a walk the run keeps, the image's context holds the walk's own entries and digests: keeping it
        // costs two lists. Else it holds a walk of its own, kept if there is room.
        boolean keep = shared.kept() || keeping.take(walked.context().entries().size());
        State state = shared.hashed().state(walked.digests(), shared.walk().sorted(), inputs);
        Contents contents = Contents.walked(
                walked,
                keep,
                () -> walkAgain(name, spec, dockerfileContent, dockerfileApart, inputs, state, "when first walked"),
                keeping);
        recall.key().ifPresent(key -> {
            KnownState known = new KnownState(state, contents.files(), contents.bytes());
            hasher.remember(key, known);
            remembered.put(name, new Remembered(key, known));
        });
        return new PackedImage(name, contents, inputs, state, imageContexts, folderContexts);
    }

    /**
     * The sources the image's Dockerfile reads (COPY, ADD, RUN bind mounts) that its context lacks: missing, left out
     * by its rules, or meant for another context. What a check found is remembered with the state: a state known
     * without walking its context is checked without walking it, when its Dockerfile reads the same sources.
     */
    public List<ContextCheck.Missing> missingSources(String name) {
        PackedImage image = pack(name);
        ImageDefinition definition = graph.project().byName().get(name);
        Dockerfile dockerfile = graph.dockerfile(name);
        List<CopySource> sources = dockerfile.copySources(definition.arguments().get(0));
        String checked = ContextCheck.sourcesDigest(sources);
        Remembered state = remembered.get(name);
        Optional<List<Integer>> known = Optional.ofNullable(state)
                .flatMap(remembered -> remembered.known().sources())
                .filter(sourcesChecked -> sourcesChecked.digest().equals(checked))
                .map(KnownState.CheckedSources::absent);
        List<Integer> absent =
                known.orElseGet(() -> ContextCheck.absent(sources, Lazy.of(() -> image.context().entries().stream()
                        .map(ContextEntry::path)
                        .toList())));
        if (state != null && known.isEmpty()) {
            KnownState withSources = state.known().withSources(new KnownState.CheckedSources(checked, absent));
            hasher.remember(state.key(), withSources);
            remembered.put(name, new Remembered(state.key(), withSources));
        }
        return absent.stream()
                .map(sources::get)
                .map(source -> new ContextCheck.Missing(
                        name, dockerfile.file(), source.line(), source.kind(), source.path(), definition.context()))
                .toList();
    }

    /**
     * An image's context again, for a state known before ({@code when}: how it was known): placed in this run's walk
     * of it if one was kept, else in a new walk. The same files must give the same state, or what is sent would not be
     * what the state names.
     */
    private PackedImage.Walked walkAgain(
            String name,
            ContextSpec spec,
            byte[] dockerfileContent,
            boolean dockerfileApart,
            BuildInputs inputs,
            State known,
            String when) {
        SharedWalk shared = sharedWalk(name, spec);
        PackedImage.Walked walked = place(shared, spec, dockerfileContent, dockerfileApart);
        State walkedState =
                shared.hashed().state(walked.digests(), shared.walk().sorted(), inputs);
        if (!walkedState.equals(known)) {
            throw new InputException(
                    spec.repoRoot(),
                    "the files of image '" + name + "' changed while deja ran (state " + known.tag() + " " + when + ", "
                            + walkedState.tag() + " now); run again");
        }
        return walked;
    }

    /** An image's context, with the Dockerfile as sent, placed in its walk. */
    private static PackedImage.Walked place(
            SharedWalk shared, ContextSpec spec, byte[] dockerfileContent, boolean dockerfileApart) {
        PackedContext context = ContextCollector.place(spec, shared.walk(), dockerfileContent);
        if (dockerfileApart) {
            // As compose sends an inline Dockerfile: apart from the context, so COPY . does not see it.
            context = context.withDockerfileApart();
        }
        return new PackedImage.Walked(
                context, shared.hashed().digests(context, shared.walk().sorted()));
    }

    /**
     * The walk of {@code spec}'s context (image {@code name}'s) and its files' digests: this run's if one was kept,
     * else walked now.
     */
    private SharedWalk sharedWalk(String name, ContextSpec spec) {
        return sharedWalk(name, spec, walk -> {});
    }

    /** @param listed told the walk's entries once listed, if this call walks */
    private SharedWalk sharedWalk(String name, ContextSpec spec, Consumer<ContextCollector.Walk> listed) {
        String key = walkKey(name);
        SharedWalk kept = walks.get(key);
        if (kept != null) {
            return kept;
        }
        ContentHasher.Walked found = hasher.walk(spec, key, listed);
        SharedWalk walked =
                new SharedWalk(found, keeping.take(found.walk().sorted().size()));
        if (walked.kept()) {
            walks.putIfAbsent(key, walked);
        }
        return walked;
    }

    /**
     * What goes into an image's context. The output folders of the builders it reads are deferred: their producers'
     * states stand for them in its state, and they are packed when the build is sent, once written.
     */
    public static ContextSpec spec(ImageGraph graph, ImageDefinition image) {
        return new ContextSpec(
                graph.project().root(),
                image.context(),
                image.dockerfile(),
                image.include(),
                image.exclude(),
                Project.LEFT_OUT,
                graph.outputsRead(image.name()));
    }

    /**
     * The image as its build sends it: as packed, with the builder outputs it reads added (they exist now, their
     * producers having run). Its state stays the packed one.
     */
    public PackedImage forSending(String name) {
        PackedImage packed = pack(name);
        ContextSpec spec = spec(graph, graph.project().byName().get(name));
        if (spec.deferred().isEmpty()) {
            return packed;
        }
        byte[] dockerfile = packed.context().entries().stream()
                .filter(entry -> entry.path().equals(packed.context().dockerfile()))
                .findFirst()
                .orElseThrow()
                .generated();
        PackedContext collected = ContextCollector.collect(spec.withDeferredPacked(), dockerfile);
        PackedContext sent = packed.context().dockerfileOutside() ? collected.withDockerfileApart() : collected;
        return new PackedImage(
                name,
                Contents.of(new PackedImage.Walked(sent, packed.digests())),
                packed.inputs(),
                packed.state(),
                packed.imageContexts(),
                packed.folderContexts());
    }

    /** The base an instruction reads, named with its digest, when it is one of the image's pinnable bases. */
    private Optional<String> pinnedBase(List<BaseUse> imageBases, ImageUse use) {
        return imageBases.stream()
                .filter(base -> base.line() == use.line()
                        && base.how().equals(use.kind().label())
                        && base.reference().equals(use.reference()))
                .findFirst()
                .flatMap(bases()::pinned);
    }

    private Optional<String> parentReference(String child, String reference) {
        if (ImageGraph.namedContext(graph.project().byName().get(child), reference)
                .isPresent()) {
            return Optional.empty();
        }
        return graph.resolve(reference)
                .filter(parent -> !parent.equals(child))
                .map(parent -> devImages.containsKey(parent)
                        ? devTag(parent)
                        : graph.project().reference(parent, state(parent).tag()));
    }

    /** {@code <name>:dev}: the image {@code deja dev} commits for {@code name}. */
    public static String devTag(String name) {
        return name + ":dev";
    }
}
