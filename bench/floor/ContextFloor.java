import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The floor a JVM sets for a state, for bench/state-bench.sh: a walk of one folder (one lstat per entry) that hands
 * every regular file to as many threads as there are cores, each reading through one 256 KiB buffer into SHA-256,
 * then one digest of the sorted paths and their digests. No ignore rules, no modes, no cache, no config, no CLI:
 * what any JVM program that reads every byte pays. Without an argument it only starts: a JVM's start.
 */
public final class ContextFloor {
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            return;
        }
        Path root = Path.of(args[0]);
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        ThreadLocal<MessageDigest> shas = ThreadLocal.withInitial(ContextFloor::sha256);
        ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocate(256 * 1024));
        Map<String, String> digests = new ConcurrentHashMap<>();
        List<String> paths = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                String name = root.relativize(file).toString();
                paths.add(name);
                if (attributes.isRegularFile()) {
                    pool.execute(() -> digests.put(name, hash(file, shas.get(), buffers.get())));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.HOURS);
        paths.sort(null);
        MessageDigest state = sha256();
        for (String path : paths) {
            state.update((path + " " + digests.getOrDefault(path, "") + "\n").getBytes());
        }
        System.out.println(HexFormat.of().formatHex(state.digest()));
    }

    private static String hash(Path file, MessageDigest sha, ByteBuffer buffer) {
        sha.reset();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (buffer.clear(); channel.read(buffer) > 0; buffer.clear()) {
                sha.update(buffer.array(), 0, buffer.position());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
