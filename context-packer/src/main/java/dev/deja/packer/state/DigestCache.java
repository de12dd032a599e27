package dev.deja.packer.state;

import dev.deja.packer.AtomicFile;
import dev.deja.packer.Lazy;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Content digests of files from earlier runs, under two keys:
 *
 * <ul>
 *   <li>a file's absolute path and {@link FileStamp}: a file whose size, mtime, ctime, inode and device are all
 *       unchanged is not read again (a developer's checkout, a CI runner that keeps its workspace);
 *   <li>its {@link BlobKey}: a file its version control vouches for has exactly the bytes of that blob, in any clone
 *       (a fresh CI clone, whose paths, inodes and times are all new, with this file carried from the last job).
 * </ul>
 *
 * <p>Either way the digest is the SHA-256 of the bytes deja read: the cache changes how often files are read,
 * never what a state means. Racy files are never recorded under their stamp: a file modified less than
 * {@link #RACY_NANOS} before it was hashed could be modified again within the same timestamp tick and look
 * unchanged. A blob is recorded only from a read that the file did not change during, of a file not modified since
 * its version control vouched for it.
 *
 * <p>It also remembers states by a key that stands for all their inputs ({@link KnownState}): when version control
 * vouches for every file of a context, its state is known without walking it. The file is read in one read and
 * written in one (atomic) write; a damaged or foreign file is ignored, with one warning.
 */
public final class DigestCache {

    static final String MAGIC = "deja-digests/7";
    /** Known states kept: this run's, then the most recent of the file's. */
    private static final int MAX_KNOWN_STATES = 4096;

    static final long RACY_NANOS = 2_000_000_000L;
    private static final int MAX_ENTRIES = 2_000_000;
    private static final int DIGEST_BYTES = 32;
    /** Up to this many stamps a run records are found in the file by comparing paths; more, through its index. */
    private static final int FEW_RECORDS = 16;
    /** A known state's sources not checked yet, where their count would be. */
    private static final int UNCHECKED = -1;

    private record Cached(FileStamp stamp, byte[] digest) {}

    /**
     * The file's stamps and blobs, indexed in its bytes, and where they lie (its {@code stampCount} stamps from
     * {@code stampsAt} to {@code stampsEnd}, its blobs from {@code blobsAt} to the end): what a run reads of the file
     * only when a walk asks. The stamps are indexed on their first question: a walk from git's listing asks for few of
     * them, and hashing 50,000 paths cost it 30 ms of CPU.
     */
    private record Sections(
            Lazy<StampIndex> stamps,
            int stampCount,
            int stampsAt,
            int stampsEnd,
            BlobIndex blobs,
            byte[] content,
            int blobsAt) {

        static Sections empty() {
            return new Sections(Lazy.of(StampIndex::empty), 0, 0, 0, BlobIndex.empty(), new byte[0], 0);
        }
    }

    private final Path file;
    private final long racyNanos;
    /** The file's stamps and where its blobs lie; read on the first question (a walk's). */
    private final Lazy<Sections> loaded;
    /** This run's stamps (and the file's with a path that is not ASCII): they win over {@link #loaded}. */
    private final Map<String, Cached> stamps;

    /** This run's blobs (the file's are in {@link #loaded}). */
    private final Map<BlobKey, byte[]> blobs = new ConcurrentHashMap<>();
    /** Known states by key: the file's, in its order (oldest first), then this run's. */
    private final Map<String, KnownState> knownStates;
    /** Whether the file held states when it was opened (not those this run adds). */
    private final boolean openedWithStates;
    /** How many files each walk hashed last (by walk key): the size its digests' map starts at. */
    private final Map<String, Integer> walkSizes;

    private volatile boolean changed;
    /** Told why the file cannot be read or written: never an error, the next run only reads more. */
    private final Consumer<String> warnings;

    private DigestCache(Path file, long racyNanos, Consumer<String> warnings) {
        this.file = file;
        this.racyNanos = racyNanos;
        this.warnings = warnings;
        this.stamps = new ConcurrentHashMap<>();
        this.loaded = Lazy.of(Sections::empty);
        this.knownStates = Collections.synchronizedMap(new LinkedHashMap<>());
        this.openedWithStates = false;
        this.walkSizes = Collections.synchronizedMap(new LinkedHashMap<>());
    }

    /**
     * A cache whose stamps and blobs are the file's ({@code mapped}), from {@code offset} on: read on the first
     * question, so that a run whose states are all known reads neither. A damage found then is told to
     * {@code warnings}, and the cache goes on empty.
     */
    private DigestCache(
            Path file,
            long racyNanos,
            Map<String, KnownState> knownStates,
            Map<String, Integer> walkSizes,
            ByteBuffer mapped,
            int offset,
            Consumer<String> warnings) {
        this.file = file;
        this.racyNanos = racyNanos;
        this.warnings = warnings;
        this.stamps = new ConcurrentHashMap<>();
        this.knownStates = Collections.synchronizedMap(new LinkedHashMap<>(knownStates));
        this.openedWithStates = !knownStates.isEmpty();
        this.walkSizes = Collections.synchronizedMap(new LinkedHashMap<>(walkSizes));
        this.loaded = Lazy.of(() -> {
            try {
                byte[] content = copy(mapped);
                ByteBuffer in = ByteBuffer.wrap(content).position(offset);
                int stampCount = count(in.getInt());
                int stampsAt = in.position();
                StampIndex.skip(in, stampCount);
                int stampsEnd = in.position();
                Lazy<StampIndex> index = Lazy.of(() -> {
                    Map<String, Cached> others = new HashMap<>();
                    StampIndex read =
                            StampIndex.read(content, ByteBuffer.wrap(content).position(stampsAt), stampCount, at -> {
                                StampIndex.Entry entry = StampIndex.entry(content, at);
                                others.put(entry.path(), new Cached(entry.stamp(), entry.digest()));
                            });
                    // This run's records (made after this read) win.
                    others.forEach(stamps::putIfAbsent);
                    return read;
                });
                int blobCount = count(in.getInt());
                int blobsAt = in.position();
                BlobIndex blobs = BlobIndex.read(content, in, blobCount);
                if (in.hasRemaining()) {
                    throw new IOException(in.remaining() + " bytes after the last entry");
                }
                return new Sections(index, stampCount, stampsAt, stampsEnd, blobs, content, blobsAt);
            } catch (IOException | RuntimeException e) {
                warnings.accept(damaged(file, e));
                changed = true;
                return Sections.empty();
            }
        });
    }

    /**
     * The file, mapped: a run whose states are all known touches the pages of its first section only (read whole,
     * 10 MB for 50,000 files cost a fresh clone's run 20 ms of page faults and copies). The file is only ever
     * replaced, never written in place ({@link AtomicFile}), so the mapping keeps the bytes it was opened with.
     */
    private static ByteBuffer map(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new IOException("it is larger than 2 GB");
            }
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
    }

    /** The mapped file's bytes; one cut short under the mapping (by another program) reads as damage. */
    private static byte[] copy(ByteBuffer mapped) throws IOException {
        byte[] content = new byte[mapped.capacity()];
        try {
            mapped.get(0, content);
        } catch (InternalError e) {
            throw new IOException("it was cut short while deja read it", e);
        }
        return content;
    }

    private static String damaged(Path file, Exception e) {
        return "digest cache " + file + " is damaged or not deja's (" + reason(e)
                + "); ignored, every file is read, and it is written anew";
    }

    /** A cache that remembers nothing (tests, and {@code DEJA_DIGEST_CACHE=off}). */
    public static DigestCache none() {
        return new DigestCache(null, RACY_NANOS, warning -> {});
    }

    /** Loads {@code file} if it exists; a damaged or foreign file starts empty, and {@code warnings} is told once. */
    public static DigestCache open(Path file, Consumer<String> warnings) {
        return open(file, RACY_NANOS, warnings);
    }

    /** As {@link #open(Path, Consumer)}, silently. */
    public static DigestCache open(Path file) {
        return open(file, RACY_NANOS, warning -> {});
    }

    /** As {@link #open(Path)} with another racy window (tests: files they just wrote). */
    static DigestCache open(Path file, long racyNanos) {
        return open(file, racyNanos, warning -> {});
    }

    private static DigestCache open(Path file, long racyNanos, Consumer<String> everyWarning) {
        // One warning per run and file: a file that cannot be read is seldom one that can be written.
        AtomicBoolean warned = new AtomicBoolean();
        Consumer<String> warnings = warning -> {
            if (warned.compareAndSet(false, true)) {
                everyWarning.accept(warning);
            }
        };
        ByteBuffer in;
        try {
            in = map(file);
        } catch (NoSuchFileException e) {
            return new DigestCache(file, racyNanos, warnings);
        } catch (IOException e) {
            warnings.accept("digest cache " + file + " cannot be read (" + reason(e) + "); every file is read");
            return new DigestCache(file, racyNanos, warnings);
        }
        try {
            byte[] magicBytes = new byte[Short.toUnsignedInt(in.getShort())];
            in.get(magicBytes);
            String magic = new String(magicBytes, StandardCharsets.UTF_8);
            if (magic.startsWith("deja-digests/") && !MAGIC.equals(magic)) {
                // Another version of deja's own cache: not damage, only out of date. Rewritten by this run.
                DigestCache cache = new DigestCache(file, racyNanos, warnings);
                cache.changed = true;
                return cache;
            }
            if (!MAGIC.equals(magic)) {
                throw new IOException("it does not start with '" + MAGIC + "'");
            }
            int knownCount = count(in.getInt());
            Map<String, KnownState> known = new LinkedHashMap<>();
            HexFormat hex = HexFormat.of();
            for (int i = 0; i < knownCount; i++) {
                String key = hex.formatHex(digest(in));
                State state = new State(hex.formatHex(digest(in)));
                KnownState read = new KnownState(state, in.getInt(), in.getLong());
                int absent = in.getInt();
                if (absent != UNCHECKED) {
                    String checked = hex.formatHex(digest(in));
                    List<Integer> at = new ArrayList<>();
                    for (int a = count(absent); a > 0; a--) {
                        at.add(in.getInt());
                    }
                    read = read.withSources(new KnownState.CheckedSources(checked, at));
                }
                known.put(key, read);
            }
            int walkCount = count(in.getInt());
            Map<String, Integer> walks = new LinkedHashMap<>();
            for (int i = 0; i < walkCount; i++) {
                walks.put(hex.formatHex(digest(in)), count(in.getInt()));
            }
            return new DigestCache(file, racyNanos, known, walks, in, in.position(), warnings);
        } catch (IOException | RuntimeException e) {
            warnings.accept(damaged(file, e));
            DigestCache cache = new DigestCache(file, racyNanos, warnings);
            cache.changed = true;
            return cache;
        }
    }

    /** What went wrong, in words: a buffer that ran out says so by its type only. */
    private static String reason(Exception e) {
        // The JDK's messages of these are only the path, or the path and the reason.
        if (e instanceof FileSystemException fileSystem) {
            if (fileSystem.getReason() != null) {
                return fileSystem.getReason();
            }
            if (e instanceof AccessDeniedException) {
                return "permission denied on " + fileSystem.getFile();
            }
            if (e instanceof FileAlreadyExistsException) {
                return fileSystem.getFile() + " is a file, not a folder";
            }
        }
        return e instanceof BufferUnderflowException
                ? "it ends before its last entry"
                : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static int count(int count) throws IOException {
        if (count < 0 || count > MAX_ENTRIES) {
            throw new IOException("an entry count of " + count);
        }
        return count;
    }

    private static byte[] digest(ByteBuffer in) {
        byte[] digest = new byte[DIGEST_BYTES];
        in.get(digest);
        return digest;
    }

    public boolean enabled() {
        return file != null;
    }

    /** The digest recorded for this file, if its stamp is unchanged. */
    public String lookup(Path source, FileStamp stamp) {
        if (file == null || stamp == null) {
            return null;
        }
        String path = source.toString();
        StampIndex fromFile = loaded.get().stamps().get();
        Cached cached = stamps.get(path);
        if (cached != null) {
            return cached.stamp().equals(stamp) ? HexFormat.of().formatHex(cached.digest()) : null;
        }
        byte[] digest = fromFile.lookup(path, stamp);
        return digest == null ? null : HexFormat.of().formatHex(digest);
    }

    /** The digest recorded for this blob, if any. */
    public String lookup(BlobKey blob) {
        if (file == null || blob == null) {
            return null;
        }
        // This run's first (none, in most runs: a lookup of a key made for it costs its id's hash).
        byte[] digest = blobs.isEmpty() ? null : blobs.get(blob);
        if (digest == null) {
            digest = loaded.get().blobs().lookup(blob);
        }
        return digest == null ? null : HexFormat.of().formatHex(digest);
    }

    /**
     * Remembers a digest computed from a file that, when its reading started at {@code readStartNanos}
     * (epoch nanoseconds), had this stamp.
     */
    public void record(Path source, FileStamp stamp, String digest, long readStartNanos) {
        if (file == null || stamp == null) {
            return;
        }
        if (readStartNanos - stamp.mtimeNanos() < racyNanos || readStartNanos - stamp.ctimeNanos() < racyNanos) {
            return;
        }
        // Not the file's stamps first: this run's win over them (their index hands over the entries it keeps apart
        // only where this run has none), and a run that records one file need not index 50,000 paths (30 ms).
        stamps.put(source.toString(), new Cached(stamp, HexFormat.of().parseHex(digest)));
        changed = true;
    }

    /**
     * Remembers the digest of a vouched-for file's bytes under its blob. The caller guarantees the read saw the
     * blob's bytes: the file's stamp was the same before and after it, and older than the vouching.
     */
    public void record(BlobKey blob, String digest) {
        if (file == null || blob == null) {
            return;
        }
        blobs.put(blob, HexFormat.of().parseHex(digest));
        changed = true;
    }

    /** Whether any state is remembered under a key that starts with {@code prefix} ({@code State.knownStatePrefix}). */
    public boolean knowsStatesStartingWith(String prefix) {
        if (file == null) {
            return false;
        }
        synchronized (knownStates) {
            for (String key : knownStates.keySet()) {
                if (key.startsWith(prefix)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the file held states of earlier runs when this run opened it: a run before this one used it. */
    public boolean openedWithStates() {
        return file != null && openedWithStates;
    }

    /** The state remembered under {@code key} (see {@code State.knownStateKey}), if any. */
    public Optional<KnownState> knownState(String key) {
        return file == null ? Optional.empty() : Optional.ofNullable(knownStates.get(key));
    }

    /** Every remembered state by key, oldest first. */
    public Map<String, KnownState> knownStates() {
        synchronized (knownStates) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(knownStates));
        }
    }

    /** How many files the walk of {@code walkKey} (hex, a SHA-256) hashed when it was last recorded; 0: not known. */
    public int walkSize(String walkKey) {
        Integer size = file == null ? null : walkSizes.get(walkKey);
        return size == null ? 0 : size;
    }

    /**
     * Remembers how many files a walk hashed, for the next run's to size its map by (a map that grows from 16 to
     * 65,536 slots while two threads fill it cost a walk of 50,000 files 60 ms). Kept when within an eighth of the
     * size known: the cache is not written again for a file more or less.
     */
    public void recordWalkSize(String walkKey, int files) {
        if (file == null) {
            return;
        }
        synchronized (walkSizes) {
            Integer known = walkSizes.get(walkKey);
            if (known != null && Math.abs(known - files) * 8L <= files) {
                return;
            }
            walkSizes.remove(walkKey);
            walkSizes.put(walkKey, files);
        }
        changed = true;
    }

    /** Remembers a state computed from a walk of its context, under a key that stands for all its inputs. */
    public void record(String key, KnownState state) {
        if (file == null || state.equals(knownStates.get(key))) {
            return;
        }
        synchronized (knownStates) {
            knownStates.remove(key);
            knownStates.put(key, state);
        }
        changed = true;
    }

    /** The last {@link #MAX_KNOWN_STATES} entries of a synchronized map kept in the order they were put (oldest first). */
    private static <V> List<Map.Entry<String, V>> mostRecent(Map<String, V> entries) {
        List<Map.Entry<String, V>> all;
        synchronized (entries) {
            all = new ArrayList<>(entries.entrySet());
        }
        return all.subList(Math.max(0, all.size() - MAX_KNOWN_STATES), all.size());
    }

    /** Writes the cache (atomically: a concurrent deja sees the old file or the new one). Best effort. */
    public void save() {
        save(MAX_ENTRIES);
    }

    /**
     * How many of the file's entries of one kind a save copies and how many of this run's it adds, {@code max} in all
     * at most: the file's oldest are left out first, then (a run that recorded more than {@code max}) this run's.
     *
     * @param inFile    the file's entries of that kind, those this run recorded again left out
     * @param leftOut   how many of the file's oldest are left out
     * @param ofThisRun how many of this run's are written
     */
    private record Kept(int inFile, int leftOut, int ofThisRun) {
        static Kept within(int max, int inFile, int ofThisRun) {
            int leftOut = Math.min(Math.max(0, inFile + ofThisRun - max), inFile);
            return new Kept(inFile, leftOut, Math.min(ofThisRun, max - (inFile - leftOut)));
        }

        int count() {
            return inFile - leftOut + ofThisRun;
        }
    }

    /**
     * The offsets of the file's stamp entries this run's records replace, ascending: found in the index when a
     * question made it or the records are many, else by comparing the few recorded paths with the file's.
     */
    private int[] stampsRecordedAgain(Sections sections) {
        if (stamps.isEmpty()) {
            return new int[0];
        }
        return sections.stamps().known() || stamps.size() > FEW_RECORDS
                ? sections.stamps().get().replacedBy(stamps.keySet())
                : StampIndex.offsetsIn(sections.content(), sections.stampsAt(), sections.stampsEnd(), stamps.keySet());
    }

    /** {@link #save()} keeping {@code maxEntries} stamps and as many blobs at most (tests: a few). */
    void save(int maxEntries) {
        if (file == null || !changed) {
            return;
        }
        try {
            AtomicFile.write(file, out -> {
                DataOutputStream data = new DataOutputStream(out);
                data.writeUTF(MAGIC);
                HexFormat hex = HexFormat.of();
                List<Map.Entry<String, KnownState>> known = mostRecent(knownStates);
                data.writeInt(known.size());
                for (Map.Entry<String, KnownState> entry : known) {
                    data.write(hex.parseHex(entry.getKey()));
                    data.write(hex.parseHex(entry.getValue().state().digest()));
                    data.writeInt(entry.getValue().files());
                    data.writeLong(entry.getValue().bytes());
                    Optional<KnownState.CheckedSources> sources =
                            entry.getValue().sources();
                    data.writeInt(
                            sources.map(checked -> checked.absent().size()).orElse(UNCHECKED));
                    if (sources.isPresent()) {
                        data.write(hex.parseHex(sources.get().digest()));
                        for (int at : sources.get().absent()) {
                            data.writeInt(at);
                        }
                    }
                }
                List<Map.Entry<String, Integer>> walks = mostRecent(walkSizes);
                data.writeInt(walks.size());
                for (Map.Entry<String, Integer> walk : walks) {
                    data.write(hex.parseHex(walk.getKey()));
                    data.writeInt(walk.getValue());
                }
                // The file's entries as they lie but those this run recorded again, then this run's.
                Sections sections = loaded.get();
                int[] replacedStamps = stampsRecordedAgain(sections);
                Kept keptStamps = Kept.within(maxEntries, sections.stampCount() - replacedStamps.length, stamps.size());
                data.writeInt(keptStamps.count());
                EntrySection.writeExcept(
                        data,
                        sections.content(),
                        sections.stampsAt(),
                        sections.stampsEnd(),
                        replacedStamps,
                        keptStamps.leftOut(),
                        at -> StampIndex.entryLength(sections.content(), at));
                int writtenStamps = 0;
                for (Map.Entry<String, Cached> entry : stamps.entrySet()) {
                    if (writtenStamps++ == keptStamps.ofThisRun()) {
                        break;
                    }
                    FileStamp s = entry.getValue().stamp();
                    byte[] path = entry.getKey().getBytes(StandardCharsets.UTF_8);
                    data.writeInt(path.length);
                    data.write(path);
                    data.writeLong(s.size());
                    data.writeLong(s.mtimeNanos());
                    data.writeLong(s.ctimeNanos());
                    data.writeLong(s.inode());
                    data.writeLong(s.device());
                    data.write(entry.getValue().digest());
                }
                int[] replacedBlobs =
                        blobs.isEmpty() ? new int[0] : sections.blobs().offsetsOf(blobs.keySet());
                Kept keptBlobs = Kept.within(maxEntries, sections.blobs().size() - replacedBlobs.length, blobs.size());
                data.writeInt(keptBlobs.count());
                EntrySection.writeExcept(
                        data,
                        sections.content(),
                        sections.blobsAt(),
                        sections.content().length,
                        replacedBlobs,
                        keptBlobs.leftOut(),
                        at -> BlobIndex.entryLength(sections.content(), at));
                int writtenBlobs = 0;
                for (Map.Entry<BlobKey, byte[]> entry : blobs.entrySet()) {
                    if (writtenBlobs++ == keptBlobs.ofThisRun()) {
                        break;
                    }
                    byte[] id = hex.parseHex(entry.getKey().id());
                    data.writeByte(id.length);
                    data.write(id);
                    data.writeLong(entry.getKey().size());
                    data.writeInt(entry.getKey().mode());
                    data.write(entry.getValue());
                }
                data.flush();
            });
            changed = false;
        } catch (IOException | RuntimeException e) {
            // A cache that cannot be written only makes the next run slower: said, never an error.
            warnings.accept("digest cache " + file + " cannot be written (" + reason(e) + "); the next run reads"
                    + " the files again");
        }
    }
}
