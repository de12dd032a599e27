package dev.deja.packer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns context entries into {@link EntryDigest}s, reading files on several threads. Memory stays bounded: each
 * thread streams through one buffer, whatever the size of the context.
 */
public final class ContentHasher {

    private static final int BUFFER_SIZE = 256 * 1024;

    private final int threads;

    public ContentHasher(int threads) {
        this.threads = Math.max(1, threads);
    }

    public static ContentHasher forThisMachine() {
        return new ContentHasher(Runtime.getRuntime().availableProcessors());
    }

    public List<EntryDigest> digests(PackedContext context) {
        List<ContextEntry> entries = context.entries();
        EntryDigest[] out = new EntryDigest[entries.size()];
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            MessageDigest sha = State.sha256();
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
            for (int i = next.getAndIncrement(); i < out.length; i = next.getAndIncrement()) {
                out[i] = digest(entries.get(i), sha, buffer);
            }
        };
        int workers = Math.min(threads, Math.max(1, entries.size() / 64));
        if (workers == 1) {
            worker.run();
            return List.of(out);
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers, runnable -> {
            Thread thread = new Thread(runnable, "deja-hash");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int k = 0; k < workers; k++) {
                futures.add(pool.submit(worker));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hashing the context", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return List.of(out);
    }

    static EntryDigest digest(ContextEntry entry, MessageDigest sha, ByteBuffer buffer) {
        String content = "";
        if (entry.type() == EntryType.FILE) {
            content = entry.generated() != null
                    ? HexFormat.of().formatHex(sha.digest(entry.generated()))
                    : hashFile(entry, sha, buffer);
        }
        return new EntryDigest(entry.path(), entry.type(), entry.mode(), entry.linkTarget(), content);
    }

    private static String hashFile(ContextEntry entry, MessageDigest sha, ByteBuffer buffer) {
        Path source = entry.source();
        long total = 0;
        sha.reset();
        try (FileChannel channel = FileChannel.open(source, StandardOpenOption.READ)) {
            while (true) {
                buffer.clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    break;
                }
                sha.update(buffer.array(), 0, n);
                total += n;
            }
        } catch (IOException e) {
            throw new InputException(source, "cannot read: " + e.getMessage());
        }
        if (total != entry.size()) {
            throw new InputException(source, "file changed while deja was reading it; run again");
        }
        return HexFormat.of().formatHex(sha.digest());
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
