package dev.deja.packer.state;

import dev.deja.packer.InputException;
import dev.deja.packer.Lazy;
import dev.deja.packer.context.ContextCollector;
import dev.deja.packer.context.ContextEntry;
import dev.deja.packer.context.ContextSpec;
import dev.deja.packer.context.EntryType;
import dev.deja.packer.context.PackedContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Turns context entries into {@link EntryDigest}s, reading files on several threads while the folders are still
 * being walked. Memory stays bounded: each thread streams through one buffer, whatever the size of the context.
 */
public final class ContentHasher {

    private static final int BUFFER_SIZE = 256 * 1024;
    /** Opened with a set made once: the varargs form builds a HashSet for every file (7% of a cold run's garbage). */
    private static final Set<StandardOpenOption> READ = Set.of(StandardOpenOption.READ);

    private final int threads;
    private final DigestCache cache;
    private final Vouching vouching;
    private final Consumer<String> debug;

    /** @param debug told, per image, whether its state was known without walking its context, and if not why */
    public ContentHasher(int threads, DigestCache cache, Vouching vouching, Consumer<String> debug) {
        this.threads = Math.max(1, threads);
        this.cache = cache;
        this.vouching = cache.enabled() ? vouching : Vouching.none();
        this.debug = debug;
    }

    public ContentHasher(int threads, DigestCache cache, Vouching vouching) {
        this(threads, cache, vouching, message -> {});
    }

    public ContentHasher(int threads, DigestCache cache) {
        this(threads, cache, Vouching.none());
    }

    public ContentHasher(int threads) {
        this(threads, DigestCache.none());
    }

    public static ContentHasher forThisMachine(DigestCache cache, Vouching vouching, Consumer<String> debug) {
        return new ContentHasher(Runtime.getRuntime().availableProcessors(), cache, vouching, debug);
    }

    /** Writes what this hasher learned to its digest cache (best effort). */
    public void saveCache() {
        cache.save();
    }

    /**
     * Tells version control which folders {@link #vouch} will ask about for these specs, before the first question
     * (a spec whose paths are wrong is left to {@link #vouch}, which says why).
     */
    public void willVouch(List<ContextSpec> specs) {
        if (!cache.enabled()) {
            return;
        }
        Set<String> roots = new LinkedHashSet<>();
        for (ContextSpec spec : specs) {
            try {
                roots.addAll(ContextCollector.vouchedRoots(spec));
            } catch (InputException e) {
                // said when this spec is vouched for or walked
            }
        }
        vouching.willAsk(roots);
    }

    /**
     * What version control says of the files a walk of {@code spec} would find ({@link ContextCollector#vouchedKey}):
     * a key for them all, or why there is none. Needs neither the bases nor the parents, so it is asked for early.
     */
    public VouchedTree vouch(ContextSpec spec, boolean dockerfileApart) {
        if (!cache.enabled()) {
            return VouchedTree.refused("the digest cache is off");
        }
        return ContextCollector.vouchedKey(spec, dockerfileApart, vouching);
    }

    /**
     * Whether {@link #recall} cannot know the state of a context so vouched for, whatever the other inputs: no state
     * of those files is remembered. Its walk may then start before the other inputs are known.
     */
    public boolean surelyWalked(VouchedTree context) {
        return !context.vouched() || !cache.knowsStatesStartingWith(State.knownStatePrefix(context.key()));
    }

    /**
     * Whether the image of a context so vouched for most likely has a state no run has built: git vouches for its
     * files, and they were in no state of the earlier runs this cache remembers, while it remembers others (a cache
     * that remembers nothing, a first run's or a lost one, finds every context new).
     */
    public boolean likelyNewState(VouchedTree context) {
        return context.vouched() && cache.openedWithStates() && surelyWalked(context);
    }

    /**
     * The state an earlier run computed from the same inputs, when version control vouches for every file of the
     * context ({@link #vouch}): known without walking it. With the key it is remembered under, whether known or not,
     * or why there is none.
     */
    public Recall recall(String image, VouchedTree context, byte[] dockerfileContent, BuildInputs inputs) {
        Recall recall = recall(context, dockerfileContent, inputs);
        debug.accept(
                recall.known().isPresent()
                        ? image
                                + ": state known without walking its context (every file vouched for, the same inputs as before)"
                        : image + ": walking its context (" + recall.unknownBecause() + ")");
        return recall;
    }

    private Recall recall(VouchedTree context, byte[] dockerfileContent, BuildInputs inputs) {
        if (!context.vouched()) {
            return new Recall(Optional.empty(), Optional.empty(), context.refusal());
        }
        String key = State.knownStateKey(context.key(), dockerfileContent, inputs);
        Optional<KnownState> known = cache.knownState(key);
        return new Recall(Optional.of(key), known, known.isPresent() ? "" : "its inputs are new to the digest cache");
    }

    /** Remembers a state computed by a walk under the key {@link #recall} gave. */
    public void remember(String key, KnownState state) {
        cache.record(key, state);
    }

    /**
     * What {@link #recall} found: the key of the state's inputs, and the state if it is known.
     *
     * @param unknownBecause why the state is not known ({@code ""} when it is), in words for a user
     */
    public record Recall(Optional<String> key, Optional<KnownState> known, String unknownBecause) {}

    /** Hashes an already collected context. */
    public List<EntryDigest> digests(PackedContext context) {
        try (Session session = start()) {
            context.entries().forEach(session::submit);
            return session.complete(context);
        }
    }

    /**
     * Starts hashing in the background: {@link Session#submit} files as they are found (a
     * {@link ContextCollector} listener), then {@link Session#complete} with the collected context.
     */
    public Session start() {
        return start(null);
    }

    /**
     * {@link #start()} for the walk of {@code walkKey} ({@code ContextCollector.walkKey}), whose size the cache keeps
     * from run to run.
     */
    public Session start(String walkKey) {
        return new Session(threads, cache, vouching, walkKey);
    }

    /**
     * A walk of {@code spec}'s context (the walk of {@code walkKey}) and its files' digests: from what version control
     * lists there where it can ({@link ContextCollector#walkListed}: only what it does not vouch for is stat'ed, and
     * only what the cache does not know is read), else folder by folder; a context small when last walked is walked. A listed file found changed when read (or of
     * 4 GiB or more, whose size git does not keep) makes it walk after all.
     */
    public Walked walk(ContextSpec spec, String walkKey) {
        return walk(spec, walkKey, walk -> {});
    }

    /**
     * {@link #walk(ContextSpec, String)}, telling {@code listed} the walk's entries as soon as they are listed, while
     * their files are still being hashed (a walk that turns out outdated is listed again).
     */
    public Walked walk(ContextSpec spec, String walkKey, Consumer<ContextCollector.Walk> listed) {
        int lastWalked = cache.walkSize(walkKey);
        if (cache.enabled() && (lastWalked == 0 || lastWalked > SMALL_CONTEXT)) {
            try (Session session = start(walkKey)) {
                AtomicInteger fromGit = new AtomicInteger();
                AtomicInteger onDisk = new AtomicInteger();
                Optional<ContextCollector.Walk> fromIndex = ContextCollector.walkListed(
                        spec,
                        vouching,
                        entry -> {
                            onDisk.addAndGet(entry.source() != null ? 1 : 0);
                            session.submit(entry);
                        },
                        (entry, blob) -> {
                            fromGit.incrementAndGet();
                            session.submitListed(entry, blob);
                        });
                if (fromIndex.isPresent()) {
                    listed.accept(fromIndex.get());
                    Walked walked = new Walked(fromIndex.get(), session.finish());
                    debug.accept(described(spec) + " listed from git's index: " + fromGit + " files as git has them, "
                            + onDisk + " looked at on disk");
                    return walked;
                }
            } catch (ListingOutdated e) {
                debug.accept(described(spec) + " walked after all: " + e.getMessage());
            }
        }
        try (Session session = start(walkKey)) {
            ContextCollector.Walk walk = ContextCollector.walk(spec, session::submit);
            listed.accept(walk);
            return new Walked(walk, session.finish());
        }
    }

    /** The context of {@code spec}, in words for a user. */
    private static String described(ContextSpec spec) {
        return "context '" + (spec.contextDir().isEmpty() ? "." : spec.contextDir()) + "'"
                + (spec.includes().isEmpty() ? "" : " (and its includes)");
    }

    /**
     * The most files a context's last walk hashed for it to be walked again rather than listed: a walk of a few hundred
     * entries takes milliseconds and reads its new files while git is asked, where a listing waits for git's answer
     * first (a miss on one image of a few files and a 32 MB layer: its builder started 0.1 s later, listed).
     */
    static final int SMALL_CONTEXT = 1_000;

    /** A context's walk, and the digests of its files. */
    public record Walked(ContextCollector.Walk walk, Hashed hashed) {}

    /** A listed file is not as version control recorded it. */
    private static final class ListingOutdated extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ListingOutdated(Path file) {
            super("'" + file + "' is not as git recorded it");
        }
    }

    /** Files being hashed in the background. */
    public static final class Session implements AutoCloseable {
        private final ExecutorService pool;
        private final Map<String, String> contentDigests;
        private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        private final ThreadLocal<Worker> workers = ThreadLocal.withInitial(Worker::new);
        private final DigestCache cache;
        private final Vouching vouching;

        private final String walkKey;

        private Session(int threads, DigestCache cache, Vouching vouching, String walkKey) {
            this.cache = cache;
            this.vouching = vouching;
            this.walkKey = walkKey;
            // Sized by the walk's last run: grown from 16 while the walk's threads fill it, it rehashed 50,000 paths
            // four times over.
            this.contentDigests = new ConcurrentHashMap<>(walkKey == null ? 16 : Math.max(16, cache.walkSize(walkKey)));
            pool = Executors.newFixedThreadPool(threads, runnable -> {
                Thread thread = new Thread(runnable, "deja-hash");
                thread.setDaemon(true);
                return thread;
            });
        }

        /** Queues a file read from disk; other entries are cheap and hashed in {@link #complete}. */
        public void submit(ContextEntry entry) {
            if (entry.type() != EntryType.FILE || entry.source() == null) {
                return;
            }
            String cached = cache.lookup(entry.source(), entry.stamp());
            if (cached != null) {
                contentDigests.put(entry.path(), cached);
                return;
            }
            // Asked on the walk's thread once the answer is in; until then in the pool, where waiting for it (git
            // reading its index) does not hold the walk up.
            boolean ready = vouching.ready();
            BlobKey blob = ready ? vouching.blob(entry.source(), entry.stamp()) : null;
            if (ready && knownByBlob(entry, blob)) {
                return;
            }
            pool.execute(() -> {
                if (failure.get() != null) {
                    return;
                }
                try {
                    BlobKey vouched = ready ? blob : vouching.blob(entry.source(), entry.stamp());
                    if (!ready && knownByBlob(entry, vouched)) {
                        return;
                    }
                    readAndRecord(entry, entry.stamp(), vouched);
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            });
        }

        /**
         * Queues a file version control listed as the blob {@code blob} ({@link Vouching#listing}), its stamp the one
         * recorded: known by its blob, else read once its stamp now is found to be the one recorded (which also says
         * its size is the one listed).
         */
        public void submitListed(ContextEntry entry, BlobKey blob) {
            if (knownByBlob(entry, blob)) {
                return;
            }
            pool.execute(() -> {
                if (failure.get() != null) {
                    return;
                }
                try {
                    readAndRecord(entry, stampAsRecorded(entry), blob);
                } catch (IOException e) {
                    failure.compareAndSet(null, new ListingOutdated(entry.source()));
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            });
        }

        /** The stamp of a listed file now, when it is the one recorded and of the size listed. */
        private static FileStamp stampAsRecorded(ContextEntry entry) throws IOException {
            FileStamp now = FileStamp.read(entry.source());
            if (now.size() != entry.size() || !now.isAsRecorded(entry.stamp())) {
                throw new ListingOutdated(entry.source());
            }
            return now;
        }

        /**
         * Whether the cache knows the blob: then it is the file's digest. Not recorded under its stamp: a fresh CI
         * clone's paths and stamps are never seen again, and the next run in a checkout that stays finds it by its
         * blob as fast; the cache file then keeps its size and is not written.
         */
        private boolean knownByBlob(ContextEntry entry, BlobKey blob) {
            String known = cache.lookup(blob);
            if (known == null) {
                return false;
            }
            contentDigests.put(entry.path(), known);
            return true;
        }

        /**
         * Reads and hashes the file, whose stamp before the read was {@code stamp}, and records its digest under that
         * stamp and, if {@code blob} is not {@code null} and the stamp after the read is the same (the bytes read are
         * the ones the stamp stood for), under its blob.
         */
        private void readAndRecord(ContextEntry entry, FileStamp stamp, BlobKey blob) {
            long readStart = epochNanos();
            String digest = workers.get().hashFile(entry);
            cache.record(entry.source(), stamp, digest, readStart);
            if (blob != null && unchangedSince(entry, stamp)) {
                cache.record(blob, digest);
            }
            contentDigests.put(entry.path(), digest);
        }

        private static boolean unchangedSince(ContextEntry entry, FileStamp stamp) {
            try {
                return FileStamp.read(entry.source()).equals(stamp);
            } catch (IOException e) {
                return false;
            }
        }

        /** Waits for the queued files and returns the digests of every entry, in the context's order. */
        public List<EntryDigest> complete(PackedContext context) {
            return finish().digests(context);
        }

        /** Waits for the queued files: their digests, for any context made of the entries this session was told of. */
        public Hashed finish() {
            pool.shutdown();
            try {
                while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
                    if (failure.get() != null) {
                        pool.shutdownNow();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while hashing the context", e);
            }
            if (failure.get() != null) {
                throw failure.get();
            }
            if (walkKey != null) {
                cache.recordWalkSize(walkKey, contentDigests.size());
            }
            return new Hashed(contentDigests);
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }
    }

    /**
     * The content digests of the files a {@link Session} hashed, by their paths in the context: the same walk serves
     * every image whose context it is, each with its own Dockerfile.
     */
    public static final class Hashed {
        private final Map<String, String> contentDigests;
        /** The walk whose entries {@link #walkDigests} digests, in its order. */
        private List<ContextEntry> digestedWalk;

        private WalkDigests walkDigests;

        private int walkStates;
        private EncodedEntries encodedWalk;

        private Hashed(Map<String, String> contentDigests) {
            this.contentDigests = contentDigests;
        }

        /** What the state sees of each entry of {@code context}, in its order (a file not hashed yet is hashed now). */
        public List<EntryDigest> digests(PackedContext context) {
            return List.copyOf(digestsOf(context.entries()));
        }

        private List<EntryDigest> digestsOf(List<ContextEntry> entries) {
            Supplier<Worker> worker = Lazy.of(Worker::new);
            List<EntryDigest> out = new ArrayList<>(entries.size());
            for (ContextEntry entry : entries) {
                // A method per entry, which the JIT compiles soon: a loop body runs interpreted for most of its turns.
                out.add(digest(entry, worker));
            }
            return out;
        }

        /**
         * {@link #digests(PackedContext)} of a context placed from a walk: its entries are {@code walked}'s (the same
         * objects, in the same order) but for the ones placed in it (a Dockerfile, the folders above it) and the one a
         * Dockerfile replaced. The walk's entries are digested once, for every context placed from it.
         */
        public List<EntryDigest> digests(PackedContext context, List<ContextEntry> walked) {
            WalkDigests ofWalk = digestsOfWalk(walked);
            // Arrays, not lists: a list's get() is an interface call that sees three list classes here, and this
            // loop runs once per entry of every image placed in the walk (30 images over 50,000 entries).
            ContextEntry[] entries = context.entries().toArray(new ContextEntry[0]);
            ContextEntry[] walkedEntries = ofWalk.entries();
            EntryDigest[] walkDigests = ofWalk.digests();
            EntryDigest[] out = new EntryDigest[entries.length];
            Supplier<Worker> worker = Lazy.of(Worker::new);
            int at = 0;
            for (int i = 0; i < entries.length; i++) {
                ContextEntry entry = entries[i];
                if (at < walkedEntries.length && walkedEntries[at] == entry) {
                    out[i] = walkDigests[at++];
                    continue;
                }
                while (at < walkedEntries.length
                        && walkedEntries[at] != entry
                        && ContextCollector.compareUtf8(walkedEntries[at].path(), entry.path()) < 0) {
                    at++;
                }
                out[i] = at < walkedEntries.length && walkedEntries[at] == entry
                        ? walkDigests[at++]
                        : digest(entry, worker);
            }
            return List.of(out);
        }

        /** A walk's entries and their digests, in its order. */
        private record WalkDigests(ContextEntry[] entries, EntryDigest[] digests) {}

        private synchronized WalkDigests digestsOfWalk(List<ContextEntry> walked) {
            if (walked != digestedWalk) {
                walkDigests = new WalkDigests(
                        walked.toArray(new ContextEntry[0]), digestsOf(walked).toArray(new EntryDigest[0]));
                digestedWalk = walked;
            }
            return walkDigests;
        }

        /**
         * The state of a context placed from a walk, its {@link #digests(PackedContext, List)} given: from the second
         * state on, the walk's own entries are encoded once for all of them ({@link EncodedEntries}).
         */
        public State state(List<EntryDigest> placed, List<ContextEntry> walked, BuildInputs inputs) {
            EncodedEntries encoded = encodedWalk(walked);
            return encoded == null ? State.compute(placed, inputs) : State.compute(placed, encoded, inputs);
        }

        /** {@code null} for the walk's first state: a walk that serves one image is not encoded twice. */
        private synchronized EncodedEntries encodedWalk(List<ContextEntry> walked) {
            if (++walkStates < 2) {
                return null;
            }
            if (encodedWalk == null) {
                encodedWalk =
                        EncodedEntries.of(Arrays.asList(digestsOfWalk(walked).digests()));
            }
            return encodedWalk;
        }

        /** {@code worker}: made when a file has to be hashed here, which a walk's session leaves none to. */
        private EntryDigest digest(ContextEntry entry, Supplier<Worker> worker) {
            if (entry.generated() != null) {
                return generatedDigest(entry);
            }
            String content = "";
            if (entry.type() == EntryType.FILE) {
                content = contentDigests.get(entry.path());
                if (content == null) {
                    content = worker.get().hashFile(entry);
                }
            }
            return new EntryDigest(entry.path(), entry.type(), entry.mode(), entry.linkTarget(), content);
        }
    }

    private static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** One thread's digest and read buffer. */
    private static final class Worker {
        private final MessageDigest sha = State.sha256();
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);

        String hashFile(ContextEntry entry) {
            Path source = entry.source();
            long total = 0;
            sha.reset();
            long size = entry.size();
            try (FileChannel channel = FileChannel.open(source, READ)) {
                // Read the size the walk saw, no more: most files then take one read call. A file that grew
                // since is caught when the tar is written; one that shrank is caught here.
                while (total < size) {
                    buffer.clear();
                    int n = channel.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    int used = (int) Math.min(n, size - total);
                    sha.update(buffer.array(), 0, used);
                    total += n;
                }
            } catch (IOException e) {
                throw new InputException(source, "cannot read: " + InputException.reason(e));
            }
            if (total != size) {
                throw new InputException(source, "file changed while deja was reading it; run again");
            }
            return HexFormat.of().formatHex(sha.digest());
        }
    }

    /** What the state sees of a generated entry (the Dockerfile as sent): its bytes are in the entry. */
    public static EntryDigest generatedDigest(ContextEntry entry) {
        return new EntryDigest(
                entry.path(),
                entry.type(),
                entry.mode(),
                entry.linkTarget(),
                HexFormat.of().formatHex(State.sha256().digest(entry.generated())));
    }

    /** Hashes a stream the way file contents are hashed (used to check what a tar really carried). */
    public static String sha256Hex(InputStream in) {
        MessageDigest sha = State.sha256();
        byte[] buffer = new byte[BUFFER_SIZE];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                sha.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
