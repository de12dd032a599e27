package dev.deja.packer.state;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Content digests of files from earlier runs, keyed by absolute path and {@link FileStamp}: a file whose size,
 * mtime, ctime, inode and device are all unchanged is not read again. A damaged or foreign cache file is ignored.
 *
 * <p>Racy files are never recorded: a file modified less than {@link #RACY_NANOS} before it was hashed could be
 * modified again within the same timestamp tick and look unchanged.
 */
public final class DigestCache {

    static final String MAGIC = "deja-digests/1";
    static final long RACY_NANOS = 2_000_000_000L;
    private static final int MAX_ENTRIES = 2_000_000;

    private record Cached(FileStamp stamp, String digest) {}

    private final Path file;
    private final long racyNanos;
    private final Map<String, Cached> entries = new ConcurrentHashMap<>();
    private volatile boolean changed;

    private DigestCache(Path file, long racyNanos) {
        this.file = file;
        this.racyNanos = racyNanos;
    }

    /** A cache that remembers nothing (tests, and {@code DEJA_DIGEST_CACHE=off}). */
    public static DigestCache none() {
        return new DigestCache(null, RACY_NANOS);
    }

    /** Loads {@code file} if it exists and is readable; a missing or damaged file starts empty. */
    public static DigestCache open(Path file) {
        return open(file, RACY_NANOS);
    }

    /** As {@link #open(Path)} with another racy window (tests: files they just wrote). */
    static DigestCache open(Path file, long racyNanos) {
        DigestCache cache = new DigestCache(file, racyNanos);
        if (Files.isRegularFile(file)) {
            try (DataInputStream in =
                    new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
                if (!MAGIC.equals(in.readUTF())) {
                    return cache;
                }
                int count = in.readInt();
                HexFormat hex = HexFormat.of();
                byte[] digest = new byte[32];
                for (int i = 0; i < count; i++) {
                    String path = in.readUTF();
                    FileStamp stamp =
                            new FileStamp(in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong());
                    in.readFully(digest);
                    cache.entries.put(path, new Cached(stamp, hex.formatHex(digest)));
                }
            } catch (EOFException | RuntimeException e) {
                cache.entries.clear();
            } catch (IOException e) {
                cache.entries.clear();
            }
        }
        return cache;
    }

    public boolean enabled() {
        return file != null;
    }

    /** The digest recorded for this file, if its stamp is unchanged. */
    public String lookup(Path source, FileStamp stamp) {
        if (file == null || stamp == null) {
            return null;
        }
        Cached cached = entries.get(source.toString());
        return cached != null && cached.stamp().equals(stamp) ? cached.digest() : null;
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
        entries.put(source.toString(), new Cached(stamp, digest));
        changed = true;
    }

    /** Writes the cache (atomically: a concurrent deja sees the old file or the new one). Best effort. */
    public void save() {
        if (file == null || !changed) {
            return;
        }
        Path temporary = null;
        try {
            Files.createDirectories(file.getParent());
            temporary =
                    Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            try (DataOutputStream out =
                    new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 16))) {
                out.writeUTF(MAGIC);
                int count = Math.min(entries.size(), MAX_ENTRIES);
                out.writeInt(count);
                HexFormat hex = HexFormat.of();
                int written = 0;
                for (Map.Entry<String, Cached> entry : entries.entrySet()) {
                    if (written++ == count) {
                        break;
                    }
                    FileStamp s = entry.getValue().stamp();
                    out.writeUTF(entry.getKey());
                    out.writeLong(s.size());
                    out.writeLong(s.mtimeNanos());
                    out.writeLong(s.ctimeNanos());
                    out.writeLong(s.inode());
                    out.writeLong(s.device());
                    out.write(hex.parseHex(entry.getValue().digest()));
                }
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            changed = false;
        } catch (IOException | RuntimeException e) {
            // A cache that cannot be written only makes the next run slower.
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }
}
