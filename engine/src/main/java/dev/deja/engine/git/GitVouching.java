package dev.deja.engine.git;

import dev.deja.engine.exec.Cancellation;
import dev.deja.engine.exec.Parallel;
import dev.deja.engine.exec.ProcessRunner;
import dev.deja.packer.Lazy;
import dev.deja.packer.context.ContextCollector;
import dev.deja.packer.context.RepoPath;
import dev.deja.packer.state.BlobKey;
import dev.deja.packer.state.FileStamp;
import dev.deja.packer.state.Listing;
import dev.deja.packer.state.State;
import dev.deja.packer.state.VouchedTree;
import dev.deja.packer.state.Vouching;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The files git vouches for, read once per run in the background from the run's start (git's commands read a copy
 * of the index that is not racy, so that none of them reads a file's content; the entries racy to the index itself are
 * checked here, {@link IndexSnapshot}): the index's blob of every tracked regular file (the copy's entries, read here
 * as {@code ls-files -s} lists them; git lists an index not read here), minus what {@code status} finds modified in
 * the work tree, minus what attributes convert on checkout (a {@code filter} such as git-lfs, {@code ident},
 * {@code working-tree-encoding},
 * {@code eol=crlf}; all of it when {@code core.autocrlf=true} or {@code core.eol=crlf}), minus the entries git does not
 * look at in the work tree (assume-unchanged, skip-worktree); and what it does not track ({@code ls-files --others
 * --directory}). Submodules, conflicts and untracked files are never vouched for; symlinks only in a whole
 * {@link #tree}, whose folders are named by the commit's trees there ({@link CommittedTrees}: the folders announced by
 * {@link #willAsk}, asked of git in one command). Anything git cannot tell (not a checkout, git missing, a command
 * failing) vouches for nothing: deja then reads every file, as before.
 *
 * <p>A file is trusted as git saw it: one whose content changed while its size, mtime, ctime and inode stayed the
 * same (which no tool can do to a ctime) is as invisible to deja as to {@code git status}; so is, in a racy entry
 * older than its index to the nanosecond, one changed within the clock tick git recorded it in, as to a git built
 * with nanosecond times.
 */
public final class GitVouching implements Vouching {

    private static final int REGULAR_MODE = 0100644;
    private static final int EXECUTABLE_MODE = 0100755;
    private static final int SYMLINK_MODE = 0120000;
    private static final int SUBMODULE_MODE = 0160000;
    private static final String ATTRIBUTES = ".gitattributes";

    /**
     * What git said, at {@code checkedAtNanos}: its index in its own order (by the paths' bytes), each entry with
     * whether git vouches for it.
     *
     * @param wholeTrees whether git's word covers exec bits and symlinks too ({@code core.fileMode} and
     *                   {@code core.symlinks} not false)
     */
    private record Index(
            IndexEntries entries,
            List<Tracked> tracked,
            int[] unvouched,
            Supplier<Map<String, Tracked>> regularFiles,
            boolean wholeTrees,
            long checkedAtNanos,
            CommittedTrees trees,
            NavigableSet<String> staged,
            String refusal) {

        /** Git's word cannot be taken here, for this reason (in words for a user). */
        static Index refused(String why) {
            return new Index(null, List.of(), new int[0], HashMap::new, false, 0, null, new TreeSet<>(), why);
        }

        /**
         * The id of the commit's tree at {@code folder} (from the checkout's top, no trailing slash; "" for the top)
         * when the index holds exactly that tree there: nothing under it is staged. Empty otherwise.
         */
        Optional<String> committedTree(String folder) {
            String prefix = folder.isEmpty() ? "" : folder + "/";
            String next = staged.ceiling(prefix);
            return next != null && next.startsWith(prefix) ? Optional.empty() : trees.of(folder);
        }
    }

    /**
     * One index entry: row {@code row} of the index's entries (a fresh clone's 50,000 need no strings of their own);
     * {@code notVouched} says why git's word does not cover it ({@code null}: git reports it clean, unconverted, and
     * as the work tree has it).
     */
    private record Tracked(IndexEntries entries, int row, String notVouched) {

        String path() {
            return entries.path(row);
        }

        boolean hasPath(String path) {
            return entries.hasPath(row, path);
        }

        int mode() {
            return entries.mode(row);
        }

        String id() {
            return entries.id(row);
        }

        boolean hasMode(int mode) {
            return entries.mode(row) == mode;
        }

        boolean regular() {
            return hasMode(REGULAR_MODE) || hasMode(EXECUTABLE_MODE);
        }

        /** Whether it is a {@code .gitattributes} file, at the top or in a folder. */
        boolean attributesFile() {
            int length = entries.pathLength(row);
            return entries.pathEndsWith(row, ATTRIBUTES)
                    && (length == ATTRIBUTES.length() || entries.pathByteFromEnd(row, ATTRIBUTES.length() + 1) == '/');
        }

        boolean vouched() {
            return notVouched == null;
        }

        Tracked because(String reason) {
            return new Tracked(entries, row, reason);
        }
    }

    /**
     * The entries of the index at {@code at} (a file's, {@code -1}: none) and in {@code [from, to)} (a folder's).
     */
    private record Range(int at, int from, int to) {

        boolean isEmpty() {
            return at < 0 && from == to;
        }

        /** The first entry of the range git does not vouch for, if any. */
        Tracked firstUnvouched(Index i) {
            if (at >= 0 && !i.tracked().get(at).vouched()) {
                return i.tracked().get(at);
            }
            int next = Arrays.binarySearch(i.unvouched(), from);
            next = next >= 0 ? next : -next - 1;
            return next < i.unvouched().length && i.unvouched()[next] < to
                    ? i.tracked().get(i.unvouched()[next])
                    : null;
        }
    }

    /**
     * Files a walk reads by itself before it waits for git's answer: a few edits in a developer's checkout cost less
     * to hash than the wait for {@code git status} of a whole monorepo; a fresh clone has thousands unknown by their
     * stamps.
     */
    static final int UNKNOWN_BEFORE_ASKING = 64;

    private final Reading reading;
    private final Path root;
    private final AtomicInteger unknown = new AtomicInteger();
    /** The roots announced by {@link #willAsk}, being looked up; {@code null} before. */
    private volatile CompletableFuture<Integer> announced;
    /** The project root from the checkout's top, with a slash; empty when it is not inside (asked once). */
    private final Lazy<Optional<String>> rootPrefix;

    /**
     * A clean folder of more entries than this is keyed by the commit's tree there; one of fewer by git's lines for its
     * entries, hashed here: a few thousand lines hash in a millisecond, where a tree id waits for {@code git ls-tree}
     * (60 ms on two busy cores, on the way to every small context's state). Either key changes with any entry below.
     */
    static final int KEYED_BY_TREE_ABOVE = 2_000;

    /** {@link #KEYED_BY_TREE_ABOVE}, or what a test sets. */
    private final int keyedByTreeAbove;

    private GitVouching(Reading reading, Path root, int keyedByTreeAbove) {
        this.reading = reading;
        this.root = root;
        this.keyedByTreeAbove = keyedByTreeAbove;
        this.rootPrefix = Lazy.of(() -> Parallel.get(reading.checkout).flatMap(this::findRootPrefix));
    }

    /**
     * Git's word on the checkout that holds {@code root}, read from now on in the background (a run asks it about
     * every context it packs).
     */
    public static Vouching of(Path root, Map<String, String> environment) {
        return reading(root, environment, refusal -> {}).forProject(root);
    }

    /**
     * Starts reading git's word on the checkout that holds {@code dir} (any folder of it: the project root need not
     * be known yet), in the background. Should git refuse the checkout ({@link Git#refusal}), {@code refused} is told
     * why, in git's words, from that background.
     */
    public static Reading reading(Path dir, Map<String, String> environment, Consumer<String> refused) {
        CompletableFuture<Optional<Checkout>> checkout = Parallel.ahead("deja-git-top", () -> locate(dir));
        return new Reading(
                checkout,
                Parallel.ahead("deja-git-index", () -> Parallel.get(checkout)
                        .map(found -> read(found, environment))
                        .orElseGet(() -> notACheckout(dir, refused))),
                Parallel.ahead("deja-git-untracked", () -> untracked(dir)));
    }

    /** Why git's word cannot be taken in {@code dir}, which git does not take for a checkout. */
    private static Index notACheckout(Path dir, Consumer<String> refused) {
        // Asked again only here, where git failed: a checkout git refuses to look at is not the same as none.
        return Git.refusal(dir)
                .map(words -> {
                    refused.accept(words);
                    return Index.refused("git refuses this checkout: its owner is another user (safe.directory)");
                })
                .orElseGet(() -> Index.refused("not a git checkout (or git is missing)"));
    }

    /**
     * Where the checkout is: its top, its index file, whether it has an attributes file of its own, and the commit's
     * trees there (asked as soon as the top is known: they need neither the index nor the status).
     */
    private record Checkout(Path top, Path index, boolean infoAttributes, CommittedTrees trees) {}

    /** The checkout's top and where its index and own attributes file would be, in one git call; empty outside one. */
    private static Optional<Checkout> locate(Path inside) {
        String located =
                Git.run(inside, "rev-parse", "--show-toplevel", "--git-path", "info/attributes", "--git-path", "index");
        List<String> lines = located == null ? List.of() : located.lines().toList();
        if (lines.size() < 3 || lines.get(0).isBlank()) {
            return Optional.empty();
        }
        Path top = Path.of(lines.get(0).strip());
        return Optional.of(new Checkout(
                top,
                inside.toAbsolutePath().resolve(lines.get(2).strip()),
                Files.isRegularFile(inside.resolve(lines.get(1).strip())),
                new CommittedTrees(top)));
    }

    /**
     * What git is being asked about a checkout: where it is, its index, and what it does not track (from its top).
     */
    public static final class Reading {
        private final CompletableFuture<Optional<Checkout>> checkout;
        private final CompletableFuture<Index> index;
        private final CompletableFuture<Optional<List<String>>> untracked;

        private Reading(
                CompletableFuture<Optional<Checkout>> checkout,
                CompletableFuture<Index> index,
                CompletableFuture<Optional<List<String>>> untracked) {
            this.checkout = checkout;
            this.index = index;
            this.untracked = untracked;
        }

        /** Git's word on the files of the project at {@code root}. */
        public Vouching forProject(Path root) {
            return forProject(root, KEYED_BY_TREE_ABOVE);
        }

        /** @param keyedByTreeAbove see {@link #KEYED_BY_TREE_ABOVE} (tests of the trees set 0) */
        Vouching forProject(Path root, int keyedByTreeAbove) {
            return new GitVouching(this, root, keyedByTreeAbove);
        }
    }

    /** Git's index, if its word can be taken here. */
    private Optional<Index> index() {
        Index index = Parallel.get(reading.index);
        return index.refusal() == null ? Optional.of(index) : Optional.empty();
    }

    /** The project root from the checkout's top ({@code ""} or ending in a slash), if it lies inside. */
    private Optional<String> findRootPrefix(Checkout checkout) {
        try {
            Path relative = checkout.top().toRealPath().relativize(root.toRealPath());
            return relative.startsWith("..")
                    ? Optional.empty()
                    : Optional.of(relative.toString().isEmpty() ? "" : relative + "/");
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public void willAsk(Collection<String> roots) {
        List<String> asked = List.copyOf(roots);
        announced = Parallel.ahead("deja-git-trees-announced", () -> {
            Optional<Checkout> checkout = Parallel.get(reading.checkout);
            Optional<String> inside = rootPrefix.get();
            if (checkout.isPresent() && inside.isPresent()) {
                checkout.get()
                        .trees()
                        .lookUp(asked.stream()
                                .map(root -> fromTop(inside.get(), root))
                                .toList());
            }
            return asked.size();
        });
    }

    /** {@code root} (from the project root) as a folder from the checkout's top, without a trailing slash. */
    private static String fromTop(String rootPrefix, String root) {
        return root.isEmpty()
                ? rootPrefix.isEmpty() ? "" : rootPrefix.substring(0, rootPrefix.length() - 1)
                : rootPrefix + root;
    }

    @Override
    public VouchedTree tree(List<String> roots) {
        Index i = Parallel.get(reading.index);
        if (i.refusal() != null) {
            return VouchedTree.refused(i.refusal());
        }
        if (!i.wholeTrees()) {
            return VouchedTree.refused(
                    "core.fileMode or core.symlinks is false: git does not watch exec bits or links");
        }
        Optional<String> inside = rootPrefix.get();
        if (inside.isEmpty()) {
            return VouchedTree.refused("the project lies outside the checkout git was asked about");
        }
        String rootPrefix = inside.get();
        MessageDigest key = State.sha256();
        for (String root : roots) {
            Range range = trackedUnder(i, rootPrefix, root);
            if (range.isEmpty()) {
                return VouchedTree.refused("git tracks nothing at '" + (root.isEmpty() ? "." : root) + "'");
            }
            Tracked unvouched = range.firstUnvouched(i);
            if (unvouched != null) {
                return VouchedTree.refused(
                        "'" + unvouched.path().substring(rootPrefix.length()) + "' " + unvouched.notVouched());
            }
            String folder = fromTop(rootPrefix, root);
            Optional<String> committed = range.at() < 0 && range.to() - range.from() > keyedByTreeAbove
                    ? committedTree(i, folder)
                    : Optional.empty();
            if (committed.isPresent()) {
                // The commit's tree there names every entry below it (paths, modes, blobs) in 40 characters: the
                // 5 MB of git's lines for 50,000 files need not be hashed. ('t' starts no line of git's listing.)
                key.update(("tree " + committed.get()).getBytes(StandardCharsets.UTF_8));
            } else {
                // git's own lines for the entries (mode, blob, path), NUL between two, as ls-files -z lists them.
                if (range.at() >= 0) {
                    i.entries().line(range.at(), key);
                }
                for (int row = range.from(); row < range.to(); row++) {
                    if (row > range.from()) {
                        key.update((byte) 0);
                    }
                    i.entries().line(row, key);
                }
            }
            key.update((byte) '/');
        }
        Optional<List<String>> notTracked = Parallel.get(reading.untracked);
        if (notTracked.isEmpty()) {
            return VouchedTree.refused("git ls-files --others failed");
        }
        List<String> under = notTracked.get().stream()
                .filter(path -> path.startsWith(rootPrefix))
                .map(path -> path.substring(rootPrefix.length()))
                .filter(path -> roots.stream()
                        .anyMatch(root -> RepoPath.isWithin(path, root)
                                || RepoPath.isWithin(
                                        root, path.endsWith("/") ? path.substring(0, path.length() - 1) : path)))
                .toList();
        return VouchedTree.of(HexFormat.of().formatHex(key.digest()), under);
    }

    /** The commit's tree at {@code folder} ({@link Index#committedTree}), joining the announced folders' question. */
    private Optional<String> committedTree(Index i, String folder) {
        CompletableFuture<Integer> announcement = announced;
        if (announcement != null) {
            // The folders announced are asked of git together: join that question rather than ask alone.
            Parallel.get(announcement);
        }
        return i.committedTree(folder);
    }

    @Override
    public Optional<Listing> listing(String root) {
        Index i = Parallel.get(reading.index);
        Optional<String> inside = rootPrefix.get();
        if (i.refusal() != null || !i.wholeTrees() || !i.entries().hasStats() || inside.isEmpty()) {
            return Optional.empty();
        }
        Optional<List<String>> notTracked = Parallel.get(reading.untracked);
        String rootPrefix = inside.get();
        Range range = trackedUnder(i, rootPrefix, root);
        if (notTracked.isEmpty() || range.isEmpty()) {
            return Optional.empty();
        }
        int[] files = new int[range.to() - range.from() + 1];
        int count = 0;
        List<String> toLookAt = new ArrayList<>();
        for (int row = range.at() >= 0 ? range.at() : range.from(); row < range.to(); row = nextRow(range, row)) {
            Tracked entry = i.tracked().get(row);
            if (entry.vouched() && entry.regular()) {
                files[count++] = row;
            } else {
                toLookAt.add(entry.path().substring(rootPrefix.length()));
            }
        }
        for (String path : notTracked.get()) {
            if (path.startsWith(rootPrefix)) {
                String fromRoot = path.substring(rootPrefix.length());
                if (RepoPath.isWithin(
                        fromRoot.endsWith("/") ? fromRoot.substring(0, fromRoot.length() - 1) : fromRoot, root)) {
                    toLookAt.add(fromRoot);
                }
            }
        }
        return Optional.of(new IndexListing(
                i.entries(),
                Arrays.copyOf(files, count),
                rootPrefix.getBytes(StandardCharsets.UTF_8).length,
                List.copyOf(toLookAt)));
    }

    /** The row after {@code row} in {@code range}: its file's, then its folder's. */
    private static int nextRow(Range range, int row) {
        return row == range.at() ? Math.max(range.from(), row + 1) : row + 1;
    }

    /** Regular files the index has and git vouches for, by their rows, and the rest for a walk to look at. */
    private record IndexListing(IndexEntries entries, int[] rows, int droppedBytes, List<String> toLookAt)
            implements Listing {

        @Override
        public int files() {
            return rows.length;
        }

        @Override
        public String path(int file) {
            return entries.path(rows[file], droppedBytes);
        }

        @Override
        public boolean executable(int file) {
            return entries.mode(rows[file]) == EXECUTABLE_MODE;
        }

        @Override
        public FileStamp stamp(int file) {
            return entries.stamp(rows[file]);
        }

        @Override
        public BlobKey blob(int file) {
            int row = rows[file];
            return new BlobKey(entries.id(row), entries.size(row), entries.mode(row));
        }
    }

    /**
     * The index entries at {@code root} (a file) and below it (a folder), {@code root} from the project root: two
     * runs of consecutive entries (others may sort between them: {@code a!b} comes before {@code a/b}).
     */
    private static Range trackedUnder(Index i, String rootPrefix, String root) {
        List<Tracked> tracked = i.tracked();
        int at = root.isEmpty() ? -1 : indexOf(tracked, rootPrefix + root);
        String prefix = root.isEmpty() ? rootPrefix : rootPrefix + root + "/";
        if (prefix.isEmpty()) {
            return new Range(at, 0, tracked.size());
        }
        // Below the folder: from its prefix up to the first path past it ('0' follows '/').
        String past = prefix.substring(0, prefix.length() - 1) + '0';
        return new Range(
                at,
                ContextCollector.firstNotBefore(tracked, Tracked::path, prefix),
                ContextCollector.firstNotBefore(tracked, Tracked::path, past));
    }

    /** Where the entry of {@code path} is in the index; {@code -1} when it has none. */
    private static int indexOf(List<Tracked> tracked, String path) {
        int at = ContextCollector.firstNotBefore(tracked, Tracked::path, path);
        return at < tracked.size() && tracked.get(at).hasPath(path) ? at : -1;
    }

    @Override
    public boolean ready() {
        return unknown.get() < UNKNOWN_BEFORE_ASKING || reading.index.isDone();
    }

    @Override
    public BlobKey blob(Path source, FileStamp stamp) {
        if (unknown.incrementAndGet() <= UNKNOWN_BEFORE_ASKING) {
            return null;
        }
        Optional<Index> known = index();
        if (known.isEmpty() || stamp == null) {
            return null;
        }
        Index i = known.get();
        Optional<String> rootPrefix = this.rootPrefix.get();
        if (rootPrefix.isEmpty()) {
            return null;
        }
        if (stamp.mtimeNanos() >= i.checkedAtNanos() || stamp.ctimeNanos() >= i.checkedAtNanos()) {
            return null;
        }
        if (!source.startsWith(root)) {
            return null;
        }
        String relative = root.relativize(source).toString();
        Tracked file = i.regularFiles().get().get(rootPrefix.get() + relative);
        return file == null ? null : new BlobKey(file.id(), stamp.size(), file.mode());
    }

    private static Index read(Checkout checkout, Map<String, String> environment) {
        try (IndexSnapshot snapshot = IndexSnapshot.of(checkout.index())) {
            return read(checkout, snapshot, environment);
        }
    }

    private static Index read(Checkout checkout, IndexSnapshot snapshot, Map<String, String> environment) {
        Path dir = checkout.top();
        long checkedAt = epochNanos();
        // Every git command starts at once; the settings can only refuse, and then the others are not read.
        CompletableFuture<Map<String, String>> settings = Parallel.ahead("deja-git-config", () -> coreSettings(dir));
        CompletableFuture<String> statusRun =
                Parallel.ahead("deja-git-status", () -> status(dir, snapshot.environment()));
        // The copy's entries (read here: no process, no 4 MB through a pipe), or git's listing of them.
        // -v tags each entry: 'H' for a plain one; assume-unchanged (lower case) and skip-worktree ('S') entries are
        // ones whose work-tree file git does not look at, so it cannot vouch for them.
        Optional<IndexSnapshot.Entries> entries = snapshot.entries();
        IndexEntries index = entries.map(IndexSnapshot.Entries::entries).orElseGet(() -> {
            String listing = Git.run(dir, snapshot.environment(), "ls-files", "--stage", "-v", "-z");
            return listing == null ? null : IndexEntries.parse(listing);
        });
        Map<String, String> core = Parallel.get(settings);
        if (convertsLineEndings(core)) {
            return Index.refused("core.autocrlf or core.eol makes git convert line endings on checkout");
        }
        if (looksAtLessThanEveryStat(core)) {
            return Index.refused("core.trustctime=false or core.checkStat=minimal: git does not see every change");
        }
        if (index == null) {
            return Index.refused("git ls-files failed");
        }
        List<Tracked> tracked = new ArrayList<>(index.size());
        boolean attributes = false;
        for (int row = 0; row < index.size(); row++) {
            // A method per entry: the JIT compiles it after a few hundred calls, while a loop body runs interpreted
            // for most of a 50,000-entry index.
            Tracked entry = indexEntry(index, row);
            tracked.add(entry);
            attributes |= entry.attributesFile();
        }
        String status = Parallel.get(statusRun);
        if (snapshot.copied() && entries.isEmpty()) {
            // Which entries are racy cannot be told from this index: git's own index, and its own check of them.
            status = status(dir, Map.of());
        }
        if (status == null) {
            return Index.refused("git status failed");
        }
        Set<String> modified = new HashSet<>();
        NavigableSet<String> staged = new TreeSet<>();
        for (StatusEntry entry : StatusEntry.parse(status)) {
            if (entry.workTree() != ' ') {
                modified.add(entry.path());
            }
            if (entry.index() != ' ') {
                staged.add(entry.path());
            }
            if (entry.from() != null) {
                staged.add(entry.from());
            }
        }
        // What the status says, by path (a few entries; the rest keep what the index said of them). A submodule
        // is never among them (--ignore-submodules=all).
        notVouched(tracked, modified, "is modified");
        if (attributes || checkout.infoAttributes() || hasAttributesOutsideTheTree(core, environment)) {
            Set<String> converted = converted(
                    dir,
                    tracked.stream()
                            .filter(entry -> entry.vouched() && entry.regular())
                            .map(Tracked::path)
                            .toList());
            if (converted == null) {
                return Index.refused("git check-attr failed");
            }
            notVouched(tracked, converted, "is converted on checkout (filter, ident, encoding or eol attribute)");
        }
        notVouched(
                tracked,
                changedRacyFiles(
                        dir, tracked, entries.map(IndexSnapshot.Entries::racy).orElse(List.of()), snapshot),
                "is modified");
        boolean wholeTrees = !"false".equalsIgnoreCase(core.get("core.filemode"))
                && !"false".equalsIgnoreCase(core.get("core.symlinks"));
        return new Index(
                index,
                Collections.unmodifiableList(tracked),
                unvouched(tracked),
                regularFiles(tracked),
                wholeTrees,
                checkedAt,
                // A context's folder whose index entries are the commit's is named by the commit's tree id there.
                checkout.trees(),
                staged,
                null);
    }

    /** What git finds modified in the work tree and staged, reading the index {@code variables} name. */
    private static String status(Path dir, Map<String, String> variables) {
        return StatusEntry.ask(dir, variables, "--untracked-files=no", "--ignore-submodules=all");
    }

    /**
     * The paths of the racy entries still vouched for whose files are not the blobs their entries name: an entry
     * older than the index to the nanosecond whose file's times are still those recorded is not (git's rule when built
     * with nanosecond times); any other is read, on every core.
     */
    private static Set<String> changedRacyFiles(
            Path top, List<Tracked> tracked, List<IndexSnapshot.RacyEntry> racy, IndexSnapshot snapshot) {
        if (racy.isEmpty()) {
            return Set.of();
        }
        int cores = Runtime.getRuntime().availableProcessors();
        List<List<IndexSnapshot.RacyEntry>> shares = new ArrayList<>();
        for (int share = 0; share < cores; share++) {
            shares.add(racy.subList(racy.size() * share / cores, racy.size() * (share + 1) / cores));
        }
        Set<String> changed = new HashSet<>();
        for (List<String> found : Parallel.map(shares, cores, share -> {
            BlobIds blobs = new BlobIds();
            List<String> paths = new ArrayList<>();
            for (IndexSnapshot.RacyEntry entry : share) {
                // Where the index has it, among the entries of the same index (unless they were not read from it).
                int at = entry.ordinal() < tracked.size()
                                && tracked.get(entry.ordinal()).hasPath(entry.path())
                        ? entry.ordinal()
                        : indexOf(tracked, entry.path());
                if (at >= 0 && tracked.get(at).vouched() && !unchanged(top, tracked.get(at), entry, snapshot, blobs)) {
                    paths.add(entry.path());
                }
            }
            return paths;
        })) {
            changed.addAll(found);
        }
        return changed;
    }

    /** Whether the racy entry's file is still the blob it names. */
    private static boolean unchanged(
            Path top, Tracked entry, IndexSnapshot.RacyEntry racy, IndexSnapshot snapshot, BlobIds blobs) {
        return snapshot.trustedByItsTimes(top, racy)
                || blobs.holds(top.resolve(entry.path()), entry.hasMode(SYMLINK_MODE), entry.id());
    }

    /** Row {@code row} of the index's entries, with what the index alone says of it. */
    private static Tracked indexEntry(IndexEntries index, int row) {
        String notVouched = index.stage(row) != 0
                ? "is in conflict"
                : index.tag(row) != 'H'
                        ? "is one git does not look at (assume-unchanged, skip-worktree)"
                        : index.mode(row) == SUBMODULE_MODE
                                ? "is a submodule"
                                : index.mode(row) == REGULAR_MODE
                                                || index.mode(row) == EXECUTABLE_MODE
                                                || index.mode(row) == SYMLINK_MODE
                                        ? null
                                        : "is not a file";
        return new Tracked(index, row, notVouched);
    }

    /** Marks the entries of {@code paths} that git still vouches for as not vouched for, for {@code reason}. */
    private static void notVouched(List<Tracked> tracked, Set<String> paths, String reason) {
        for (String path : paths) {
            int at = indexOf(tracked, path);
            if (at >= 0 && tracked.get(at).vouched()) {
                tracked.set(at, tracked.get(at).because(reason));
            }
        }
    }

    /** Where the entries git does not vouch for are, in order (few: a fresh clone has none). */
    private static int[] unvouched(List<Tracked> tracked) {
        int[] at = new int[tracked.size()];
        int count = 0;
        for (int i = 0; i < at.length; i++) {
            if (!tracked.get(i).vouched()) {
                at[count++] = i;
            }
        }
        return Arrays.copyOf(at, count);
    }

    /** The regular files git vouches for, by path: mapped on the first question (a walk's), once. */
    private static Supplier<Map<String, Tracked>> regularFiles(List<Tracked> tracked) {
        return Lazy.of(() -> {
            Map<String, Tracked> files = new HashMap<>(2 * tracked.size());
            for (Tracked entry : tracked) {
                if (entry.vouched() && entry.regular()) {
                    files.put(entry.path(), entry);
                }
            }
            return files;
        });
    }

    /**
     * What git does not track in the checkout (ignored files too), from its top: a folder holding nothing
     * tracked is one path ending in {@code /}, and is not looked into.
     */
    private static Optional<List<String>> untracked(Path inside) {
        // ":/" and --full-name: the whole checkout, paths from its top, without asking git for the top first.
        String out = Git.run(inside, "ls-files", "--others", "--directory", "-z", "--full-name", "--", ":/");
        if (out == null) {
            return Optional.empty();
        }
        return Optional.of(out.isEmpty() ? List.of() : List.of(out.split("\0")));
    }

    /** The core settings that decide what git's word is worth, by lower-case name, in one git call. */
    private static Map<String, String> coreSettings(Path dir) {
        String out = Git.run(
                dir,
                "config",
                "--get-regexp",
                "^core\\.(autocrlf|eol|trustctime|checkstat|attributesfile|filemode|symlinks)$");
        Map<String, String> settings = new HashMap<>();
        if (out != null) {
            out.lines().forEach(line -> {
                int space = line.indexOf(' ');
                if (space > 0) {
                    settings.put(
                            line.substring(0, space).toLowerCase(java.util.Locale.ROOT), line.substring(space + 1));
                }
            });
        }
        return settings;
    }

    /** Whether checkout writes CRLF for text files whatever the attributes say. */
    private static boolean convertsLineEndings(Map<String, String> core) {
        return "true".equalsIgnoreCase(core.get("core.autocrlf")) || "crlf".equalsIgnoreCase(core.get("core.eol"));
    }

    /**
     * Whether git was told to ignore ctimes or most of the stat data: it could then call clean a file edited with
     * its mtime put back, which deja's own check would have caught.
     */
    private static boolean looksAtLessThanEveryStat(Map<String, String> core) {
        return "false".equalsIgnoreCase(core.get("core.trustctime"))
                || "minimal".equalsIgnoreCase(core.get("core.checkstat"));
    }

    /** Attributes from the user's attributes file ($GIT_DIR/info/attributes is looked for with the top). */
    private static boolean hasAttributesOutsideTheTree(Map<String, String> core, Map<String, String> environment) {
        if (core.containsKey("core.attributesfile")) {
            return true;
        }
        String xdg = environment.get("XDG_CONFIG_HOME");
        String home = environment.get("HOME");
        Path user = xdg != null && !xdg.isEmpty()
                ? Path.of(xdg, "git", "attributes")
                : home == null ? null : Path.of(home, ".config", "git", "attributes");
        return user != null && user.toFile().isFile();
    }

    /** The paths whose bytes an attribute changes on checkout; {@code null} when git cannot say. */
    private static Set<String> converted(Path dir, List<String> paths) {
        List<String> command = List.of(
                "git",
                "-C",
                dir.toString(),
                "check-attr",
                "-z",
                "--stdin",
                "filter",
                "ident",
                "working-tree-encoding",
                "eol");
        StringBuilder output = new StringBuilder();
        int code;
        try {
            code = new ProcessRunner(null, Cancellation.never())
                    .stream(
                            "git-check-attr",
                            command,
                            out -> {
                                for (String path : paths) {
                                    out.write(path.getBytes(StandardCharsets.UTF_8));
                                    out.write(0);
                                }
                            },
                            line -> output.append(line).append('\n'));
        } catch (ProcessRunner.ProcessException e) {
            return null;
        }
        if (code != 0) {
            return null;
        }
        // Lines were split at newlines and joined again with one: the output as git wrote it, plus a last newline.
        if (output.length() > 0) {
            output.setLength(output.length() - 1);
        }
        Set<String> converted = new HashSet<>();
        String[] fields = output.toString().split("\0");
        for (int f = 0; f + 2 < fields.length; f += 3) {
            String path = fields[f];
            String attribute = fields[f + 1];
            String value = fields[f + 2];
            boolean changes = attribute.equals("eol")
                    ? value.equals("crlf")
                    : !value.equals("unspecified") && !value.equals("unset");
            if (changes) {
                converted.add(path);
            }
        }
        return converted;
    }

    private static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** Every path (from the checkout's top) git vouches for (tests). */
    List<String> vouchedPaths() {
        return index().map(i -> List.copyOf(i.regularFiles().get().keySet())).orElse(List.of());
    }
}
