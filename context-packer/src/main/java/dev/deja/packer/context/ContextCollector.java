package dev.deja.packer.context;

import dev.deja.packer.InputException;
import dev.deja.packer.ignore.IgnoreRules;
import dev.deja.packer.state.BlobKey;
import dev.deja.packer.state.Listing;
import dev.deja.packer.state.Lstat;
import dev.deja.packer.state.State;
import dev.deja.packer.state.VouchedTree;
import dev.deja.packer.state.Vouching;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Walks the folders of a {@link ContextSpec} and lists what the builder will receive: the context folder, the
 * includes at their repo-relative path, minus what the ignore rules exclude, plus the (rewritten) Dockerfile.
 * Symlinks are recorded, never followed; their targets must stay inside the repository. Folders are walked on
 * every core; the result is sorted, so it does not depend on the walk's order.
 */
public final class ContextCollector {

    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;

    /**
     * Names what {@link #vouchedKey} stands for: change it whenever the walk would list other entries for the same
     * files and rules (a fix to the ignore rules, to what is left out), so that no state known from before is used.
     */
    static final String VOUCHED_KEY_FORMAT = "deja-context-key/2";

    private final Path root;
    private final IgnoreRules rules;
    private final Consumer<ContextEntry> listener;
    private final Set<String> leftOut;
    private final ContextSpec spec;
    private final boolean hasDeferred;
    private final List<ContextEntry> found = new ArrayList<>();
    /** Whether the walk entered a folder it does not list (excluded, but an exception may re-include below). */
    private volatile boolean enteredUnlisted;

    private final ForkJoinPool pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());

    private ContextCollector(ContextSpec spec, IgnoreRules rules, Consumer<ContextEntry> listener) {
        this.root = spec.repoRoot();
        this.leftOut = spec.leftOut();
        this.spec = spec;
        this.hasDeferred = !spec.deferred().isEmpty();
        this.rules = rules;
        this.listener = listener;
    }

    /**
     * @param dockerfileContent the Dockerfile as it will be sent (references already rewritten)
     */
    public static PackedContext collect(ContextSpec spec, byte[] dockerfileContent) {
        return collect(spec, dockerfileContent, entry -> {});
    }

    /**
     * As {@link #collect(ContextSpec, byte[])}, telling {@code listener} (from several threads) of each entry as it
     * is found, so that hashing can run while the walk goes on. An entry told may still be refused by a later
     * error.
     */
    public static PackedContext collect(ContextSpec spec, byte[] dockerfileContent, Consumer<ContextEntry> listener) {
        return place(spec, walk(spec, listener), dockerfileContent);
    }

    /**
     * A context's entries as walked, before an image's Dockerfile is placed among them: sorted, and the same for every
     * image whose {@link #walkKey} is the same (a monorepo's images that all take its root as their context).
     *
     * @param everyFolderListed whether every folder holding an entry is an entry too (see {@link Walked})
     */
    public record Walk(List<ContextEntry> sorted, boolean everyFolderListed) {

        public Walk {
            sorted = List.copyOf(sorted);
        }
    }

    /**
     * What a walk of {@code spec} depends on: its folder, its ignore rules (which the Dockerfile's own
     * {@code .dockerignore} may give), its includes, what a root context leaves out, and the outputs it defers. Two
     * specs with the same key walk the same entries.
     */
    public static String walkKey(ContextSpec spec) {
        String contextDir = normalized(spec, spec.contextDir(), "context");
        String dockerfile = normalized(spec, spec.dockerfile(), "dockerfile");
        State.Encoder key = new State.Encoder();
        key.field(contextDir).list(ignoreRules(spec, contextDir, dockerfile).text());
        key.list(includesPacked(spec)).list(new TreeSet<>(spec.leftOut())).list(spec.deferred());
        return HexFormat.of().formatHex(key.finish());
    }

    /**
     * Walks the context of {@code spec} (its folder and includes), telling {@code listener} (from several threads) of
     * each entry as it is found, so that hashing can run while the walk goes on.
     */
    public static Walk walk(ContextSpec spec, Consumer<ContextEntry> listener) {
        String contextDir = normalized(spec, spec.contextDir(), "context");
        String dockerfile = normalized(spec, spec.dockerfile(), "dockerfile");
        // A context that another build writes is packed when it is sent; until then it holds only the Dockerfile.
        Path contextPath = spec.isDeferred(contextDir) ? null : existingFolder(spec.repoRoot(), contextDir);
        Walked walked = walk(spec, contextPath, contextDir, ignoreRules(spec, contextDir, dockerfile), listener);
        return new Walk(sorted(walked.found()), walked.everyFolderListed());
    }

    /**
     * {@link #walk} from what {@code vouching} lists at the folders it starts from ({@link Vouching#listing}): the
     * regular files it vouches for are told to {@code listed} with their blobs, neither stat'ed nor read, and their
     * folders are known from their paths; everything else it knows lies there (untracked files and folders, modified
     * files, links, submodules) is looked at on disk and told to {@code walked}, as the walk does. The walk's entries,
     * in its order. Empty, before anything is told, when the vouching cannot list one of those folders.
     */
    public static Optional<Walk> walkListed(
            ContextSpec spec,
            Vouching vouching,
            Consumer<ContextEntry> walked,
            BiConsumer<ContextEntry, BlobKey> listed) {
        String contextDir = normalized(spec, spec.contextDir(), "context");
        String dockerfile = normalized(spec, spec.dockerfile(), "dockerfile");
        boolean contextWalked = contextWalked(spec, contextDir);
        List<String> includes = includesPacked(spec);
        List<Listing> listings = new ArrayList<>();
        for (String root : vouchedRoots(spec)) {
            Optional<Listing> listing = vouching.listing(root);
            if (listing.isEmpty()) {
                return Optional.empty();
            }
            listings.add(listing.get());
        }
        ContextCollector collector = new ContextCollector(spec, ignoreRules(spec, contextDir, dockerfile), walked);
        try {
            int next = 0;
            if (contextWalked) {
                collector.new Listed(contextDir, false, listings.get(next++), listed).walk();
            }
            for (String include : includes) {
                existingInclude(collector.root, include);
                collector.new Listed(include, !include.isEmpty(), listings.get(next++), listed).walk();
            }
        } finally {
            collector.pool.shutdownNow();
        }
        return Optional.of(new Walk(sorted(collector.found), includes.isEmpty() && !collector.enteredUnlisted));
    }

    /**
     * A walk of one folder (or included file) from a {@link Listing}: it finds what the walk finds there, folder by
     * folder deciding as {@link #visit} does whether to list it and to go below it, but knows the folders from the
     * paths below them.
     */
    private final class Listed {
        private final String start;
        /** Whether {@link #start} is visited itself (an include), or only what lies below it (the context folder). */
        private final boolean startVisited;
        /** How many characters of a repository path its path in the context drops (the context folder's, and a slash). */
        private final int dropped;

        private final Listing listing;
        private final BiConsumer<ContextEntry, BlobKey> listed;
        /** Each folder decided, by repository path: whether the walk goes below it ({@code false}: not, or none there). */
        private final Map<String, Boolean> below = new HashMap<>();

        Listed(String start, boolean startVisited, Listing listing, BiConsumer<ContextEntry, BlobKey> listed) {
            this.start = start;
            this.startVisited = startVisited;
            this.dropped = startVisited || start.isEmpty() ? 0 : start.length() + 1;
            this.listing = listing;
            this.listed = listed;
            if (!startVisited) {
                below.put(start, true);
            }
        }

        void walk() {
            // The files first: they exist, and so do the folders above them, which the rest need not stat again. The
            // folders are decided in order, then the files are listed on every core (each a lookup of its blob).
            int files = listing.files();
            String[] paths = new String[files];
            boolean[] inFolderEntered = new boolean[files];
            List<ContextEntry> here = new ArrayList<>();
            for (int file = 0; file < files; file++) {
                // A method per file: the JIT compiles it after a few hundred calls, while a loop body runs
                // interpreted for most of 50,000 turns.
                inFolderEntered[file] = folderEntered(paths[file] = listing.path(file), here);
            }
            List<RecursiveAction> shares = new ArrayList<>();
            int share = Math.max(1024, files / (4 * pool.getParallelism()) + 1);
            for (int from = 0; from < files; from += share) {
                int first = from;
                int last = Math.min(files, from + share);
                shares.add(task(() -> {
                    List<ContextEntry> listedHere = new ArrayList<>(last - first);
                    for (int file = first; file < last; file++) {
                        if (inFolderEntered[file]) {
                            listFile(file, paths[file], listedHere);
                        }
                    }
                    foundListed(listedHere);
                }));
            }
            pool.invoke(task(() -> ForkJoinTask.invokeAll(shares)));
            foundListed(here);
            here = new ArrayList<>();
            Set<String> looked = new HashSet<>();
            for (String known : listing.toLookAt()) {
                String path = known.endsWith("/") ? known.substring(0, known.length() - 1) : known;
                if (!looked.add(path) || below.containsKey(path)) {
                    continue;
                }
                if (path.equals(start)) {
                    // All of it untracked: walked.
                    lookAtStart();
                } else if (goesBelow(RepoPath.parent(path), false, here) && reached(path)) {
                    lookAt(path);
                }
            }
            foundListed(here);
        }

        /** The folder of the file looked at last, and whether the walk goes below it. */
        private String folder;

        private boolean folderEntered;

        /** Whether the walk goes below the folder of the file at {@code path} (deciding it, in {@code here}). */
        private boolean folderEntered(String path, List<ContextEntry> here) {
            int slash = path.lastIndexOf('/');
            if (path.equals(start)) {
                // An included file, visited itself.
                folder = null;
                return true;
            }
            if (folder == null || slash != folder.length() || !path.startsWith(folder)) {
                folder = slash < 0 ? "" : path.substring(0, slash);
                folderEntered = goesBelow(folder, true, here);
            }
            return folderEntered;
        }

        /**
         * Lists file {@code file} (at {@code path}, in a folder the walk goes below) in {@code here} if the walk finds
         * it, and tells {@link #listed} of it.
         */
        private void listFile(int file, String path, List<ContextEntry> here) {
            if (!reached(path)) {
                return;
            }
            String contextPath = path.substring(dropped);
            if (rules.excludes(contextPath)) {
                return;
            }
            Path source = RepoPath.resolve(root, path);
            requireSpelled(source, contextPath);
            ContextEntry entry = ContextEntry.file(contextPath, source, listing.stamp(file), listing.executable(file));
            here.add(entry);
            listed.accept(entry, listing.blob(file));
        }

        /**
         * Whether the walk reaches {@code path} from its folder, which it goes below: not a name a root context leaves
         * out, nor an output another build writes.
         */
        private boolean reached(String path) {
            if (path.equals(start)) {
                return true;
            }
            int slash = path.lastIndexOf('/');
            if (slash < 0 && leftOut.contains(path)) {
                return false;
            }
            return !hasDeferred || !spec.isDeferred(path);
        }

        /**
         * Whether the walk goes below {@code folder} (it lists the folder, if it does, in {@code here}), deciding the
         * folders above it first. {@code exists}: a file below it is known to exist; else each folder not decided yet
         * is stat'ed (a deleted file's may be gone).
         */
        private boolean goesBelow(String folder, boolean exists, List<ContextEntry> here) {
            Boolean decided = below.get(folder);
            if (decided != null) {
                return decided;
            }
            boolean goes = false;
            if (folder.equals(start) || goesBelow(RepoPath.parent(folder), exists, here) && reached(folder)) {
                goes = exists || isFolder(folder) ? enters(folder, here) : false;
            }
            below.put(folder, goes);
            return goes;
        }

        /** What {@link #visit} decides of a folder, without its lstat: listed unless excluded, and entered. */
        private boolean enters(String folder, List<ContextEntry> here) {
            String contextPath = folder.substring(dropped);
            boolean excluded = rules.excludes(contextPath);
            if (!excluded) {
                requireSpelled(RepoPath.resolve(root, folder), contextPath);
                here.add(ContextEntry.directory(contextPath));
                return true;
            }
            if (rules.mayReincludeBelow(contextPath)) {
                enteredUnlisted = true;
                return true;
            }
            return false;
        }

        private boolean isFolder(String folder) {
            try {
                return (Lstat.of(RepoPath.resolve(root, folder)).mode() & S_IFMT) == S_IFDIR;
            } catch (IOException e) {
                return false;
            }
        }

        /** Visits what lies at {@code path}, if anything, and walks below it. */
        private void lookAt(String path) {
            Path source = RepoPath.resolve(root, path);
            Lstat lstat;
            try {
                lstat = Lstat.of(source);
            } catch (NoSuchFileException e) {
                // Deleted, or moved.
                return;
            } catch (IOException e) {
                throw new InputException(source, "cannot read: " + InputException.reason(e));
            }
            pool.invoke(visitTask(source, path, path.substring(dropped), lstat));
        }

        /** The start folder, walked as {@link #walk} walks it. */
        private void lookAtStart() {
            walkFrom(RepoPath.resolve(root, start), start, startVisited);
        }
    }

    /**
     * The context of {@code spec} from its walk: the Dockerfile as sent ({@code dockerfileContent}) in place of the
     * file the walk found there, if any.
     */
    public static PackedContext place(ContextSpec spec, Walk walk, byte[] dockerfileContent) {
        String contextDir = normalized(spec, spec.contextDir(), "context");
        String dockerfile = normalized(spec, spec.dockerfile(), "dockerfile");
        String dockerfileInContext = dockerfileInContext(contextDir, dockerfile);
        Path dockerfilePath = RepoPath.resolve(spec.repoRoot(), dockerfile);
        List<ContextEntry> walked = walk.sorted();
        int at = firstNotBefore(walked, ContextEntry::path, dockerfileInContext);
        int past = at;
        for (; past < walked.size() && walked.get(past).path().equals(dockerfileInContext); past++) {
            if (!dockerfilePath.equals(walked.get(past).source())) {
                throw new InputException(
                        dockerfilePath,
                        "the Dockerfile would land at '" + dockerfileInContext
                                + "' in the context, where another file already is");
            }
        }
        List<ContextEntry> sorted = new ArrayList<>(walked.size() + 1);
        sorted.addAll(walked.subList(0, at));
        sorted.add(ContextEntry.generated(dockerfileInContext, dockerfileContent));
        sorted.addAll(walked.subList(past, walked.size()));
        // One folder walked lists no path twice and, but for the cases Walked names, every folder that holds an
        // entry: then only the Dockerfile's folders may be missing (50,000 entries: 0.05-0.15 s of cold code saved,
        // for every image placed in a shared walk).
        return new PackedContext(
                walk.everyFolderListed()
                        ? withFoldersAbove(sorted, dockerfileInContext)
                        : withParents(deduplicated(sorted)),
                dockerfileInContext,
                !RepoPath.isWithin(dockerfile, contextDir));
    }

    /**
     * {@code sorted} (ordered as {@link #sorted}, every folder holding an entry listed but for those above {@code
     * path}) with the folders above {@code path} added where they are missing.
     */
    private static List<ContextEntry> withFoldersAbove(List<ContextEntry> sorted, String path) {
        for (String folder = RepoPath.parent(path); !folder.isEmpty(); folder = RepoPath.parent(folder)) {
            int at = firstNotBefore(sorted, ContextEntry::path, folder);
            if (at < sorted.size() && sorted.get(at).path().equals(folder)) {
                if (sorted.get(at).type() != EntryType.DIRECTORY) {
                    throw new InputException(
                            sorted.get(at).source(), "'" + folder + "' is both a file and a folder in the context");
                }
                // Listed: so is every folder above it.
                return sorted;
            }
            sorted.add(at, ContextEntry.directory(folder));
        }
        return sorted;
    }

    /**
     * The position of the first item whose path is not before {@code path}, in a list ordered by the paths' UTF-8
     * bytes (as {@link #sorted} orders entries, and git its index).
     */
    public static <T> int firstNotBefore(List<T> sorted, Function<T, String> pathOf, String path) {
        int low = 0;
        int high = sorted.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (compareUtf8(pathOf.apply(sorted.get(middle)), path) < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** The Dockerfile's path in the context: where it lies in the context folder, else its repository path. */
    public static String dockerfileInContext(ContextSpec spec) {
        return dockerfileInContext(
                normalized(spec, spec.contextDir(), "context"), normalized(spec, spec.dockerfile(), "dockerfile"));
    }

    private static String dockerfileInContext(String contextDir, String dockerfile) {
        return RepoPath.isWithin(dockerfile, contextDir) ? RepoPath.relativize(contextDir, dockerfile) : dockerfile;
    }

    /**
     * A key that stands for the entries {@link #collect} would list, without walking, when {@code vouching} vouches
     * for every file the walk would find: the tracked files under the folders it walks (the vouching's key), the
     * ignore rules, what the spec leaves out and defers; all but the Dockerfile as sent, which depends on the bases'
     * digests and the parents' states (known later: the key is asked for while they are found). Refused, with the
     * reason, when the walk could see something the vouching does not name: a modified or converted file, or an
     * untracked one (ignored by git or not) that the ignore rules do not leave out.
     *
     * @param dockerfileApart whether the Dockerfile is sent apart from the context (one written in a config)
     * @return the context's key (and no untracked paths: they are accounted for), or the refusal
     */
    public static VouchedTree vouchedKey(ContextSpec spec, boolean dockerfileApart, Vouching vouching) {
        String contextDir = normalized(spec, spec.contextDir(), "context");
        String dockerfile = normalized(spec, spec.dockerfile(), "dockerfile");
        boolean contextWalked = contextWalked(spec, contextDir);
        List<String> roots = vouchedRoots(spec);
        if (roots.isEmpty()) {
            return VouchedTree.refused("the context is another image's output");
        }
        VouchedTree tree = vouching.tree(roots);
        if (!tree.vouched()) {
            return tree;
        }
        IgnoreRules rules = ignoreRules(spec, contextDir, dockerfile);
        for (String untracked : tree.untracked()) {
            boolean folder = untracked.endsWith("/");
            String path = folder ? untracked.substring(0, untracked.length() - 1) : untracked;
            for (int r = 0; r < roots.size(); r++) {
                String root = roots.get(r);
                if (RepoPath.isWithin(root, path)) {
                    return VouchedTree.refused("git does not track '" + untracked + "'");
                }
                if (RepoPath.isWithin(path, root)) {
                    String inContext = r == 0 && contextWalked ? RepoPath.relativize(contextDir, path) : path;
                    boolean leftOut = root.isEmpty() && spec.leftOut().contains(path.split("/", 2)[0]);
                    boolean walkedPast = leftOut
                            || spec.isDeferred(path)
                            || rules.excludes(inContext) && !(folder && rules.mayReincludeBelow(inContext));
                    if (!walkedPast) {
                        return VouchedTree.refused("git does not track '" + untracked + "', which the context holds");
                    }
                }
            }
        }
        State.Encoder key = new State.Encoder();
        key.field(VOUCHED_KEY_FORMAT).field(tree.key());
        key.list(roots).field(contextDir).field(dockerfile).field(dockerfileInContext(contextDir, dockerfile));
        key.flag(!RepoPath.isWithin(dockerfile, contextDir)).flag(dockerfileApart);
        key.list(new TreeSet<>(spec.leftOut())).list(spec.deferred()).list(rules.text());
        return VouchedTree.of(HexFormat.of().formatHex(key.finish()), List.of());
    }

    /**
     * The folders (and files) a walk of {@code spec} starts from, repository paths from the project root: the
     * context folder, unless another build writes it, then the includes it packs. {@link #vouchedKey} asks the
     * vouching about these.
     */
    public static List<String> vouchedRoots(ContextSpec spec) {
        String contextDir = normalized(spec, spec.contextDir(), "context");
        List<String> roots = new ArrayList<>();
        if (!spec.isDeferred(contextDir)) {
            roots.add(contextDir);
        }
        roots.addAll(includesPacked(spec));
        return roots;
    }

    /**
     * A folder sent as a named build context ({@code --build-context NAME=folder}): its entries after its own
     * {@code .dockerignore}, no Dockerfile.
     */
    public static PackedContext collectFolder(Path repoRoot, String folder, Consumer<ContextEntry> listener) {
        ContextSpec spec = new ContextSpec(repoRoot, folder, folder, List.of(), List.of());
        String dir = normalized(spec, folder, "context");
        Path path = existingFolder(repoRoot, dir);
        IgnoreRules rules = readIgnoreFile(RepoPath.resolve(repoRoot, RepoPath.join(dir, ".dockerignore")));
        Walked walked = walk(spec, path, dir, rules, listener);
        List<ContextEntry> sorted = sorted(walked.found());
        return new PackedContext(walked.everyFolderListed() ? sorted : withParents(deduplicated(sorted)), "");
    }

    /** Whether the context folder is walked (no other build writes it): then it must exist. */
    private static boolean contextWalked(ContextSpec spec, String contextDir) {
        boolean walked = !spec.isDeferred(contextDir);
        if (walked) {
            existingFolder(spec.repoRoot(), contextDir);
        }
        return walked;
    }

    private static Path existingInclude(Path repoRoot, String include) {
        Path path = RepoPath.resolve(repoRoot, include);
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new InputException(path, "include '" + include + "' does not exist");
        }
        return path;
    }

    private static Path existingFolder(Path repoRoot, String dir) {
        Path path = RepoPath.resolve(repoRoot, dir);
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new InputException(path, "context folder does not exist (or is a symlink)");
        }
        return path;
    }

    /**
     * What a walk found, and whether every folder holding an entry is an entry too: the walk lists each folder it
     * enters, but for one the ignore rules exclude while an exception may re-include something below it, and for the
     * folders above an include.
     */
    private record Walked(List<ContextEntry> found, boolean everyFolderListed) {}

    /** @param contextPath the context folder to walk, or {@code null} when it is deferred (includes only) */
    private static Walked walk(
            ContextSpec spec, Path contextPath, String contextDir, IgnoreRules rules, Consumer<ContextEntry> listener) {
        ContextCollector collector = new ContextCollector(spec, rules, listener);
        List<String> includes = includesPacked(spec);
        try {
            if (contextPath != null) {
                collector.walkFrom(contextPath, contextDir, false);
            }
            for (String include : includes) {
                collector.addInclude(include);
            }
        } finally {
            collector.pool.shutdownNow();
        }
        return new Walked(collector.found, includes.isEmpty() && !collector.enteredUnlisted);
    }

    /** The spec's includes, normalized, but for those another build writes (packed when the build is sent). */
    private static List<String> includesPacked(ContextSpec spec) {
        List<String> packed = new ArrayList<>();
        for (String include : spec.includes()) {
            String normalized = normalized(spec, include, "include");
            if (!spec.isDeferred(normalized)) {
                packed.add(normalized);
            }
        }
        return packed;
    }

    private static IgnoreRules readIgnoreFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return IgnoreRules.none();
        }
        try {
            return IgnoreRules.parse(file, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new InputException(file, "cannot read: " + InputException.reason(e));
        }
    }

    /**
     * Whether the context of {@code spec} would hold something of {@code repoPath}: it lies in the context folder,
     * is not one of the names a root context leaves out, and the ignore rules do not leave all of it out.
     */
    public static boolean holdsAnyOf(ContextSpec spec, String repoPath) {
        return holdsAnyOf(spec).test(repoPath);
    }

    /** {@link #holdsAnyOf(ContextSpec, String)} for many paths, the ignore rules read once. */
    public static Predicate<String> holdsAnyOf(ContextSpec spec) {
        String contextDir = normalized(spec, spec.contextDir(), "context");
        IgnoreRules rules = ignoreRules(spec, contextDir, normalized(spec, spec.dockerfile(), "dockerfile"));
        return repoPath -> {
            if (!RepoPath.isWithin(repoPath, contextDir)
                    || (contextDir.isEmpty() && spec.leftOut().contains(repoPath.split("/", 2)[0]))) {
                return false;
            }
            String inContext = RepoPath.relativize(contextDir, repoPath);
            return !rules.excludes(inContext) || rules.mayReincludeBelow(inContext);
        };
    }

    /**
     * BuildKit's choice: {@code <Dockerfile>.dockerignore} beside the Dockerfile wins over the context's
     * {@code .dockerignore}; the config's excludes come after either.
     */
    static IgnoreRules ignoreRules(ContextSpec spec, String contextDir, String dockerfile) {
        Path specific = RepoPath.resolve(spec.repoRoot(), dockerfile + ".dockerignore");
        Path general = RepoPath.resolve(spec.repoRoot(), RepoPath.join(contextDir, ".dockerignore"));
        IgnoreRules fromFile = Files.isRegularFile(specific) ? readIgnoreFile(specific) : readIgnoreFile(general);
        return fromFile.then(IgnoreRules.of(spec.excludes()));
    }

    private static String normalized(ContextSpec spec, String path, String what) {
        String normalized = RepoPath.normalizeOrNull(path);
        if (normalized == null) {
            throw new InputException(spec.repoRoot(), what + " '" + path + "' " + RepoPath.outsideTheRoot(path));
        }
        return normalized;
    }

    private void addInclude(String include) {
        walkFrom(existingInclude(root, include), include, !include.isEmpty());
    }

    /**
     * Walks what lies at {@code start} ({@code path}): the folder's children, at their paths below it in the context
     * (the context folder, the project root included), or, {@code visited}, the folder or file itself too, at its
     * repository path (an include).
     */
    private void walkFrom(Path path, String start, boolean visited) {
        pool.invoke(visited ? visitTask(path, start, start, null) : children(path, start, ""));
    }

    /** A task that visits the children of {@code dir}, whose path in the context is {@code contextPath}. */
    private RecursiveAction children(Path dir, String repoPath, String contextPath) {
        return task(() -> {
            List<ContextEntry> here = new ArrayList<>();
            List<RecursiveAction> folders = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
                for (Path child : stream) {
                    String name = child.getFileName().toString();
                    if (repoPath.isEmpty() && leftOut.contains(name)) {
                        continue;
                    }
                    if (hasDeferred && spec.isDeferred(RepoPath.join(repoPath, name))) {
                        continue;
                    }
                    String childContextPath = RepoPath.join(contextPath, name);
                    if (visit(child, childContextPath, here, lstat(child))) {
                        // Its repository path, made for folders only: a root context's and an include's are their
                        // context paths.
                        String childRepoPath =
                                repoPath.equals(contextPath) ? childContextPath : RepoPath.join(repoPath, name);
                        folders.add(children(child, childRepoPath, childContextPath));
                    }
                }
            } catch (IOException e) {
                throw new InputException(dir, "cannot list folder: " + InputException.reason(e));
            }
            found(here);
            ForkJoinTask.invokeAll(folders);
        });
    }

    /** @param lstat what lies at {@code path}, or {@code null}: looked at then */
    private RecursiveAction visitTask(Path path, String repoPath, String contextPath, Lstat lstat) {
        return task(() -> {
            List<ContextEntry> here = new ArrayList<>();
            boolean below = visit(path, contextPath, here, lstat != null ? lstat : lstat(path));
            found(here);
            if (below) {
                children(path, repoPath, contextPath).invoke();
            }
        });
    }

    private static RecursiveAction task(Runnable body) {
        return new RecursiveAction() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void compute() {
                body.run();
            }
        };
    }

    /** Entries the listener is not told of: folders, and files told apart with their blobs. */
    private void foundListed(List<ContextEntry> entries) {
        synchronized (found) {
            found.addAll(entries);
        }
    }

    private void found(List<ContextEntry> entries) {
        synchronized (found) {
            found.addAll(entries);
        }
        entries.forEach(listener);
    }

    /**
     * One ignore check per entry, on its one lstat ({@code lstat}): this runs for every file of every context. Adds
     * the entry to {@code here} and says whether to walk below it (a folder), which the caller does beside its
     * siblings.
     */
    private boolean visit(Path path, String contextPath, List<ContextEntry> here, Lstat lstat) {
        int mode = lstat.mode();
        int type = mode & S_IFMT;
        boolean excluded = rules.excludes(contextPath);
        if (!excluded) {
            requireSpelled(path, contextPath);
        }
        if (type == S_IFDIR) {
            if (!excluded) {
                here.add(ContextEntry.directory(contextPath));
            }
            if (excluded && rules.mayReincludeBelow(contextPath)) {
                enteredUnlisted = true;
                return true;
            }
            return !excluded;
        } else if (excluded) {
            return false;
        } else if (type == S_IFLNK) {
            here.add(ContextEntry.symlink(contextPath, linkTarget(path), path));
        } else if (type == S_IFREG) {
            here.add(ContextEntry.file(contextPath, path, lstat.stamp(), (mode & 0111) != 0));
        } else {
            throw new InputException(path, "cannot pack a special file (socket, device or pipe): exclude it");
        }
        return false;
    }

    private static Lstat lstat(Path path) {
        try {
            return Lstat.of(path);
        } catch (IOException e) {
            throw new InputException(path, "cannot read: " + InputException.reason(e));
        }
    }

    /**
     * A name Java could not decode, spelled with U+FFFD: every non-ASCII name under a locale that is not UTF-8 (a CI
     * container without LANG), a name that is not UTF-8 under any. Packed so, the builder would get the file under
     * another name and the state would differ from a UTF-8 machine's: refused instead, with what to do.
     */
    static void requireSpelled(Path path, String name) {
        if (name.indexOf('\uFFFD') < 0) {
            return;
        }
        String names = System.getProperty("sun.jnu.encoding", "");
        throw new InputException(
                path,
                "UTF-8".equalsIgnoreCase(names)
                        ? "its name is not valid UTF-8: deja packs names in UTF-8, as git shows them; rename it, or"
                                + " leave it out (.dockerignore)"
                        : "its name is not ASCII and this process's locale cannot spell it (names in " + names
                                + "): run deja under a UTF-8 locale (LC_ALL=C.UTF-8; deja's launchers choose it when"
                                + " the locale is not UTF-8)");
    }

    /** A link's target as written: stored, never followed, wherever it points (as BuildKit sends links). */
    private static String linkTarget(Path link) {
        try {
            String target = Files.readSymbolicLink(link).toString();
            requireSpelled(link, target);
            return target;
        } catch (IOException e) {
            throw new InputException(link, "cannot read symlink: " + InputException.reason(e));
        }
    }

    /**
     * One entry per path. The same folder reached twice (context and include) is one entry; the same file twice
     * (an include inside the context) too; anything else at one path is a collision.
     */
    private static List<ContextEntry> deduplicated(List<ContextEntry> sorted) {
        List<ContextEntry> out = new ArrayList<>(sorted.size());
        for (ContextEntry entry : sorted) {
            ContextEntry previous = out.isEmpty() ? null : out.get(out.size() - 1);
            if (previous == null || !previous.path().equals(entry.path())) {
                out.add(entry);
                continue;
            }
            boolean bothFolders = previous.type() == EntryType.DIRECTORY && entry.type() == EntryType.DIRECTORY;
            boolean sameSource = entry.source() != null && entry.source().equals(previous.source());
            if (!bothFolders && !sameSource) {
                throw new InputException(
                        entry.source(),
                        "an include puts '" + entry.path()
                                + "' in the context where the context folder already has it");
            }
        }
        return out;
    }

    /** Adds the folders that hold an entry but were not walked themselves (includes, re-included files). */
    private static List<ContextEntry> withParents(List<ContextEntry> sorted) {
        Set<String> folders = new HashSet<>();
        Set<String> files = new HashSet<>();
        for (ContextEntry entry : sorted) {
            (entry.type() == EntryType.DIRECTORY ? folders : files).add(entry.path());
        }
        List<ContextEntry> missing = new ArrayList<>();
        for (ContextEntry entry : sorted) {
            for (String parent = RepoPath.parent(entry.path());
                    !parent.isEmpty() && !folders.contains(parent);
                    parent = RepoPath.parent(parent)) {
                if (files.contains(parent)) {
                    throw new InputException(
                            entry.source(), "'" + parent + "' is both a file and a folder in the context");
                }
                folders.add(parent);
                missing.add(ContextEntry.directory(parent));
            }
        }
        if (missing.isEmpty()) {
            return sorted;
        }
        List<ContextEntry> all = new ArrayList<>(sorted);
        all.addAll(missing);
        return sorted(all);
    }

    /** Orders entries by the UTF-8 bytes of their paths: the same on every JDK and file system. */
    static List<ContextEntry> sorted(List<ContextEntry> entries) {
        List<ContextEntry> out = new ArrayList<>(entries);
        // Without surrogate pairs UTF-16 order is UTF-8 order, and String.compareTo is the JDK's vectorized one.
        boolean basicPlane = out.stream().map(ContextEntry::path).noneMatch(ContextCollector::hasSurrogate);
        out.sort(basicPlane ? (a, b) -> a.path().compareTo(b.path()) : (a, b) -> compareUtf8(a.path(), b.path()));
        return out;
    }

    private static boolean hasSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * UTF-8 byte order without encoding: UTF-16 order, except that a supplementary character (a surrogate pair)
     * sorts after U+E000..U+FFFF, as its 4-byte UTF-8 form does.
     */
    public static int compareUtf8(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                boolean xs = Character.isSurrogate(x);
                boolean ys = Character.isSurrogate(y);
                if (xs != ys && (xs ? y : x) >= 0xE000) {
                    return xs ? 1 : -1;
                }
                return x - y;
            }
        }
        return a.length() - b.length();
    }
}
