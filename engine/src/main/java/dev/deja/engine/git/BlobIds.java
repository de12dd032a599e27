package dev.deja.engine.git;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Git's object id of what the work tree holds at a path: whether a file still is the blob its index entry names. */
final class BlobIds {

    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);

    /**
     * Whether {@code file} holds the blob {@code id}: its bytes, or a symlink's target, hashed as git hashes a blob
     * (SHA-1, or SHA-256 in a repository of that object format); {@code false} when it cannot be read.
     */
    boolean holds(Path file, boolean symlink, String id) {
        MessageDigest digest = digestFor(id);
        try {
            if (symlink) {
                byte[] target = Files.readSymbolicLink(file).toString().getBytes(StandardCharsets.UTF_8);
                digest.update(header(target.length));
                digest.update(target);
            } else {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                    long size = channel.size();
                    digest.update(header(size));
                    long read = 0;
                    for (int n; (n = channel.read(buffer.clear())) >= 0; ) {
                        read += n;
                        digest.update(buffer.array(), 0, n);
                    }
                    if (read != size) {
                        return false;
                    }
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
        return MessageDigest.isEqual(digest.digest(), HexFormat.of().parseHex(id));
    }

    private static byte[] header(long size) {
        return ("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    private static MessageDigest digestFor(String id) {
        try {
            return MessageDigest.getInstance(id.length() == 64 ? "SHA-256" : "SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no " + e.getMessage(), e);
        }
    }
}
