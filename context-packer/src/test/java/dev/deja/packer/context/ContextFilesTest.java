package dev.deja.packer.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A context written out for its build: as it was hashed (bytes, modes, the tar's time), and, for a second image
 * placed in the same walk, its files linked to the first's rather than copied (but its own Dockerfile).
 */
class ContextFilesTest {

    @TempDir
    Path tmp;

    private static long inode(Path file) throws Exception {
        return (Long) Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void aSecondImageOfAWalkLinksTheFilesTheFirstWroteAndWritesItsOwnDockerfile() throws Exception {
        TestTree tree = new TestTree(tmp.resolve("repo"))
                .file("lib/a.c", "a\n")
                .executable("tools/run.sh", "#!/bin/sh\n")
                .file("svc/api/Dockerfile", "FROM scratch\nCOPY . /\n")
                .file("svc/web/Dockerfile", "FROM scratch\nCOPY . /\n")
                .symlink("lib/link", "a.c");
        ContextSpec api = new ContextSpec(tree.root(), ".", "svc/api/Dockerfile", List.of(), List.of());
        ContextSpec web = new ContextSpec(tree.root(), ".", "svc/web/Dockerfile", List.of(), List.of());
        ContextCollector.Walk walk = ContextCollector.walk(api, entry -> {});
        PackedContext apiContext = ContextCollector.place(api, walk, "FROM api\n".getBytes(StandardCharsets.UTF_8));
        PackedContext webContext = ContextCollector.place(web, walk, "FROM web\n".getBytes(StandardCharsets.UTF_8));

        WrittenFiles files = WrittenFiles.linked();
        Path first = Files.createDirectories(tmp.resolve("first"));
        Path second = Files.createDirectories(tmp.resolve("second"));
        ContextFiles.write(apiContext.entries(), first, files);
        ContextFiles.write(webContext.entries(), second, files);

        for (String path : List.of("lib/a.c", "tools/run.sh")) {
            assertThat(inode(second.resolve(path))).as(path + " linked").isEqualTo(inode(first.resolve(path)));
        }
        // Each one's Dockerfile is the one it sends; the other's is the file, written once and linked.
        assertThat(Files.readString(first.resolve("svc/api/Dockerfile"))).isEqualTo("FROM api\n");
        assertThat(Files.readString(second.resolve("svc/web/Dockerfile"))).isEqualTo("FROM web\n");
        assertThat(Files.readString(second.resolve("svc/api/Dockerfile"))).isEqualTo("FROM scratch\nCOPY . /\n");
        assertThat(inode(second.resolve("svc/api/Dockerfile")))
                .isNotEqualTo(inode(first.resolve("svc/api/Dockerfile")));
        // What a builder reads is what a copy gives: bytes, modes, links, the tar's time everywhere.
        Path copied = Files.createDirectories(tmp.resolve("copied"));
        ContextFiles.write(webContext.entries(), copied, WrittenFiles.none());
        for (ContextEntry entry : webContext.entries()) {
            Path linked = second.resolve(entry.path());
            Path alone = copied.resolve(entry.path());
            assertThat(Files.getLastModifiedTime(linked, LinkOption.NOFOLLOW_LINKS)
                            .toMillis())
                    .as(entry.path())
                    .isZero()
                    .isEqualTo(Files.getLastModifiedTime(alone, LinkOption.NOFOLLOW_LINKS)
                            .toMillis());
            if (entry.type() == EntryType.FILE) {
                assertThat(Files.readAllBytes(linked)).as(entry.path()).isEqualTo(Files.readAllBytes(alone));
                assertThat(Files.getPosixFilePermissions(linked))
                        .as(entry.path())
                        .isEqualTo(Files.getPosixFilePermissions(alone));
            }
        }
        assertThat(Files.readSymbolicLink(second.resolve("lib/link"))).isEqualTo(Path.of("a.c"));

        // Once the first folder is gone (and forgotten), a third copies again.
        files.forget(first);
        ContextFiles.delete(first);
        Path third = Files.createDirectories(tmp.resolve("third"));
        ContextFiles.write(webContext.entries(), third, files);
        assertThat(Files.readString(third.resolve("lib/a.c"))).isEqualTo("a\n");
        assertThat(inode(third.resolve("lib/a.c"))).isNotEqualTo(inode(second.resolve("lib/a.c")));
    }
}
