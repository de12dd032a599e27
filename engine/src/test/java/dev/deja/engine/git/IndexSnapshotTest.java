package dev.deja.engine.git;

import static dev.deja.engine.git.TestGit.git;
import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which entries of a real git index are racy, in each of the index's versions; git reads the copy. */
class IndexSnapshotTest {

    @TempDir
    Path tmp;

    /**
     * A repository whose files under {@code racy/} have the index's second as their mtime, the others a minute
     * before, in index version {@code version} (3: with an intent-to-add entry, which needs its extended flags).
     */
    private Path repository(int version) throws Exception {
        Path repo = tmp.resolve("repo-" + version);
        new TestTree(repo)
                .file("old.txt", "old\n")
                .file("racy/a.txt", "a\n")
                .file("racy/deeper/folder/with a long name/b.txt", "b\n")
                .file("racy/deeper/folder/c.txt", "c\n")
                .file("zz/old-too.txt", "old\n")
                .file("zz/later.txt", "intent\n");
        FileTime second = FileTime.from(Instant.now().minusSeconds(30).getEpochSecond(), TimeUnit.SECONDS);
        try (var files = Files.walk(repo)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                boolean racy = repo.relativize(file).startsWith("racy");
                Files.setLastModifiedTime(
                        file, racy ? second : FileTime.from(second.toInstant().minusSeconds(60)));
            }
        }
        git(repo, "init", "-q");
        git(repo, "add", "old.txt", "racy", "zz/old-too.txt");
        git(repo, "commit", "-q", "-m", "x");
        if (version == 3) {
            git(repo, "add", "-N", "zz/later.txt");
        }
        git(repo, "update-index", "--index-version", String.valueOf(version));
        Files.setLastModifiedTime(repo.resolve(".git/index"), second);
        return repo;
    }

    @Test
    void racyEntriesAreThoseOfTheIndexsSecondInEveryVersion() throws Exception {
        for (int version : new int[] {2, 3, 4}) {
            Path repo = repository(version);
            assertThat(Files.readAllBytes(repo.resolve(".git/index"))[7]).isEqualTo((byte) version);
            try (IndexSnapshot snapshot = IndexSnapshot.of(repo.resolve(".git/index"))) {
                assertThat(snapshot.racyEntries().map(racy -> racy.stream()
                                .map(IndexSnapshot.RacyEntry::path)
                                .collect(Collectors.toSet())))
                        .as("version %d", version)
                        .contains(Set.of(
                                "racy/a.txt", "racy/deeper/folder/with a long name/b.txt", "racy/deeper/folder/c.txt"));
                List<String> listed =
                        List.of(git(repo, "ls-files", "--stage", "-z").split("\0"));
                for (IndexSnapshot.RacyEntry racy : snapshot.racyEntries().orElseThrow()) {
                    assertThat(listed.get(racy.ordinal()))
                            .as("entry %d, version %d", racy.ordinal(), version)
                            .endsWith("\t" + racy.path());
                }
            }
        }
    }

    @Test
    void gitReadsTheCopyWhichIsGoneAfterwards() throws Exception {
        Path repo = repository(2);
        Path copy;
        try (IndexSnapshot snapshot = IndexSnapshot.of(repo.resolve(".git/index"))) {
            copy = Path.of(snapshot.environment().get("GIT_INDEX_FILE"));
            assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(repo.resolve(".git/index")));
            assertThat(Files.getLastModifiedTime(copy).toInstant())
                    .isAfter(Instant.now().minusSeconds(5));
            Files.delete(repo.resolve(".git/index"));
            assertThat(Git.run(repo, snapshot.environment(), "ls-files")).contains("racy/a.txt");
        }
        assertThat(copy).doesNotExist();
    }

    @Test
    void aSplitIndexTellsNoRacyEntriesAndWithoutACopyGitChecksItsOwn() throws Exception {
        Path repo = repository(2);
        git(repo, "update-index", "--split-index");
        try (IndexSnapshot snapshot = IndexSnapshot.of(repo.resolve(".git/index"))) {
            assertThat(snapshot.racyEntries()).isEmpty();
        }
        try (IndexSnapshot none = IndexSnapshot.of(tmp.resolve("no-index"))) {
            assertThat(none.environment()).isEqualTo(Map.of());
            assertThat(none.racyEntries()).as("git reads its own").isEqualTo(Optional.of(List.of()));
        }
    }
}
