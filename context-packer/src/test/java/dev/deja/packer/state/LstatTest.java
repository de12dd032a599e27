package dev.deja.packer.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deja.packer.TestTree;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LstatTest {

    @TempDir
    Path tmp;

    @Test
    void theJdksFieldsAreReadDirectlyAndSayWhatTheAttributeMapSays() throws Exception {
        // The tests run with the package opened as the jar's manifest opens it.
        assertThat(Lstat.direct()).isTrue();
        TestTree t = new TestTree(tmp).file("a/file.txt", "content").file("a/run.sh", "#!/bin/sh\n");
        t.path("a/run.sh").toFile().setExecutable(true);
        Files.createSymbolicLink(t.path("a/link"), Path.of("file.txt"));
        for (String path : new String[] {"a", "a/file.txt", "a/run.sh", "a/link"}) {
            assertThat(Lstat.of(t.path(path))).as(path).isEqualTo(Lstat.throughTheMap(t.path(path)));
        }
        assertThat(Lstat.of(t.path("a/file.txt")).stamp().size()).isEqualTo(7);
        assertThat(Lstat.of(t.path("a/link")).mode() & 0170000)
                .as("the link itself")
                .isEqualTo(0120000);
        assertThatThrownBy(() -> Lstat.of(t.path("a/missing")))
                .isInstanceOf(java.nio.file.NoSuchFileException.class)
                .hasMessageContaining("a/missing");
        // The attributes object is reused: a second lstat says what the second file is, not the first.
        assertThat(Lstat.of(t.path("a")).mode() & 0170000).isEqualTo(0040000);
        assertThat(Lstat.of(t.path("a/file.txt")).mode() & 0170000).isEqualTo(0100000);
    }
}
