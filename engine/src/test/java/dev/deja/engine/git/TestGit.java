package dev.deja.engine.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.state.Lstat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BiConsumer;

/** Real git for the tests: a command that must succeed, as a committer of its own. */
final class TestGit {

    private TestGit() {}

    /** What {@code git args} printed (standard error merged) in {@code dir}; fails the test when git does. */
    static String git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "git", "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "protocol.file.allow=always"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }

    /**
     * Makes {@code path}'s entry in the repository's (version 2) index name the blob of {@code content}, its stat data
     * kept: what a change within the clock tick git recorded a file in leaves.
     */
    static void replaceBlob(Path repo, String path, String content) throws Exception {
        Path other = Files.createTempFile("deja-test-blob", ".txt");
        try {
            Files.writeString(other, content);
            byte[] blobId = HexFormat.of()
                    .parseHex(git(repo, "hash-object", other.toString()).strip());
            changeEntry(repo, path, (entry, at) -> entry.put(at + 40, blobId));
        } finally {
            Files.delete(other);
        }
    }

    /**
     * Makes {@code path}'s entry in the repository's (version 2) index record its file's stat data as it is now, its
     * blob kept: what a file written again within the clock tick of its entry leaves once the index is refreshed.
     */
    static void recordStat(Path repo, String path) throws Exception {
        Lstat now = Lstat.of(repo.resolve(path));
        long nanos = 1_000_000_000L;
        changeEntry(
                repo, path, (entry, at) -> entry.putInt(at, (int) (now.stamp().ctimeNanos() / nanos))
                        .putInt(at + 4, (int) (now.stamp().ctimeNanos() % nanos))
                        .putInt(at + 8, (int) (now.stamp().mtimeNanos() / nanos))
                        .putInt(at + 12, (int) (now.stamp().mtimeNanos() % nanos))
                        .putInt(at + 20, (int) now.stamp().inode())
                        .putInt(at + 36, (int) now.stamp().size()));
    }

    /** Changes {@code path}'s entry in the index (at {@code at} of its bytes), then sets the index's checksum. */
    private static void changeEntry(Path repo, String path, BiConsumer<ByteBuffer, Integer> change) throws Exception {
        Path index = repo.resolve(".git/index");
        byte[] bytes = Files.readAllBytes(index);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        assertThat(buffer.getInt(4)).as("index version").isEqualTo(2);
        int at = 12;
        for (int entry = 0; entry < buffer.getInt(8); entry++) {
            int nameLength = buffer.getShort(at + 60) & 0xFFF;
            String name = new String(bytes, at + 62, nameLength, StandardCharsets.UTF_8);
            if (name.equals(path)) {
                change.accept(buffer, at);
                MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
                sha1.update(bytes, 0, bytes.length - 20);
                System.arraycopy(sha1.digest(), 0, bytes, bytes.length - 20, 20);
                Files.write(index, bytes);
                return;
            }
            at += (62 + nameLength + 8) & ~7;
        }
        throw new AssertionError(path + " is not in " + index);
    }
}
