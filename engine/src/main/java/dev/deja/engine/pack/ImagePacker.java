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
import dev.deja.packer.context.ContextSpec;
import dev.deja.packer.context.PackedContext;
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
    private final Map<String, PackedImage> packed = new HashMap<>();
    /** What {@link #walkAhead} found of each context it was given, or is finding. */
    private final Map<String, CompletableFuture<Early>> early = new ConcurrentHashMap<>();

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
        this.graph = graph;
        this.hasher = hasher;
        this.bases = Lazy.of(bases);
        this.devImages = Map.copyOf(devImages);
    }

    /** The bases' digests (waited for, when they are still being found). */
    public ResolvedBases bases() {
        return bases.get();
    }

    /**
     * What is known of a context before the bases and the parents' states are: what version control says of its
     * files and, when no remembered state can spare its walk, the walk (with a Dockerfile to be replaced by the one
     * sent, which names them).
     *
     * @param walked {@code null} when the walk may not be needed
     */
    private record Early(VouchedTree context, PackedImage.Walked walked) {}

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
        return new Early(
                context, hasher.surelyWalked(context) ? walk(spec, DOCKERFILE_NOT_YET, dockerfileApart) : null);
    }

    /** The Dockerfile of a walk made before the one sent is known; replaced before anything reads it. */
    private static final byte[] DOCKERFILE_NOT_YET = new byte[0];

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
            Contents contents = Contents.later(known.files(), known.bytes(), () -> {
                PackedImage.Walked walked = walk(spec, dockerfileContent, dockerfileApart);
                State walkedState = State.compute(walked.digests(), inputs);
                if (!walkedState.equals(known.state())) {
                    throw new InputException(
                            spec.repoRoot(),
                            "the files of image '" + name + "' changed while deja ran (state "
                                    + known.state().tag() + " when git vouched for them, " + walkedState.tag()
                                    + " now); run again");
                }
                return walked;
            });
            return new PackedImage(name, contents, inputs, known.state(), imageContexts, folderContexts);
        }
        PackedImage.Walked walked = found.walked() != null
                ? found.walked().withDockerfile(dockerfileContent)
                : walk(spec, dockerfileContent, dockerfileApart);
        State state = State.compute(walked.digests(), inputs);
        recall.key()
                .ifPresent(key -> hasher.remember(
                        key,
                        new KnownState(
                                state,
                                walked.context().fileCount(),
                                walked.context().totalBytes())));
        return new PackedImage(name, Contents.of(walked), inputs, state, imageContexts, folderContexts);
    }

    /** Walks an image's context and hashes its entries. */
    private PackedImage.Walked walk(ContextSpec spec, byte[] dockerfileContent, boolean dockerfileApart) {
        try (ContentHasher.Session hashing = hasher.start()) {
            PackedContext context = ContextCollector.collect(spec, dockerfileContent, hashing::submit);
            if (dockerfileApart) {
                // As compose sends an inline Dockerfile: apart from the context, so COPY . does not see it.
                context = context.withDockerfileApart();
            }
            return new PackedImage.Walked(context, hashing.complete(context));
        }
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
