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
                assertThat(snapshot.entries().map(IndexSnapshot.Entries::racy).map(racy -> racy.stream()
                                .map(IndexSnapshot.RacyEntry::path)
                                .collect(Collectors.toSet())))
                        .as("version %d", version)
                        .contains(Set.of(
                                "racy/a.txt", "racy/deeper/folder/with a long name/b.txt", "racy/deeper/folder/c.txt"));
                List<String> listed =
                        List.of(git(repo, "ls-files", "--stage", "-z").split("\0"));
                for (IndexSnapshot.RacyEntry racy :
                        snapshot.entries().map(IndexSnapshot.Entries::racy).orElseThrow()) {
                    assertThat(listed.get(racy.ordinal()))
                            .as("entry %d, version %d", racy.ordinal(), version)
                            .endsWith("\t" + racy.path());
                }
                assertThat(snapshot.racyEntries())
                        .as("read without the listing, version %d", version)
                        .isEqualTo(snapshot.entries().map(IndexSnapshot.Entries::racy));
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

    /**
     * A file written in the second git reads the copy is racy to a copy dated now, and git would read it again; every
     * such entry is racy to the index itself too, which deja checks, so the copy is dated a second ahead and git reads
     * none. A clean filter that logs each read shows it: git reads the file about its own index, not about the copy.
     */
    @Test
    void gitReadsNoFileAboutTheCopyNotEvenOneWrittenThisSecond() throws Exception {
        // Tried again when the clock passes a second meanwhile: the file would then not be racy to a copy dated now.
        for (int attempt = 0; attempt < 5; attempt++) {
            Path repo = tmp.resolve("filtered-" + attempt);
            Path reads = tmp.resolve("reads-" + attempt + ".log");
            new TestTree(repo).file(".gitattributes", "*.txt filter=log\n").file("now.txt", "written now\n");
            git(repo, "init", "-q");
            git(repo, "config", "filter.log.clean", "echo read >> '" + reads + "'; cat");
            git(repo, "add", "-A");
            git(repo, "commit", "-q", "-m", "x");
            long second = Instant.now().getEpochSecond();
            FileTime now = FileTime.from(second, TimeUnit.SECONDS);
            Files.setLastModifiedTime(repo.resolve("now.txt"), now);
            git(repo, "update-index", "--refresh");
            Files.setLastModifiedTime(repo.resolve(".git/index"), now);
            Files.deleteIfExists(reads);
            try (IndexSnapshot snapshot = IndexSnapshot.of(repo.resolve(".git/index"))) {
                assertThat(Git.run(repo, snapshot.environment(), "--no-optional-locks", "status", "--porcelain"))
                        .isEmpty();
            }
            if (Instant.now().getEpochSecond() != second) {
                continue;
            }
            assertThat(reads).as("git about the copy").doesNotExist();
            assertThat(Git.run(repo, "--no-optional-locks", "status", "--porcelain"))
                    .isEmpty();
            assertThat(reads).as("git about its own index").exists();
            return;
        }
        throw new AssertionError("every attempt crossed a second");
    }

    @Test
    void aSplitIndexIsNotReadHereAndWithoutACopyGitReadsItsOwn() throws Exception {
        Path repo = repository(2);
        git(repo, "update-index", "--split-index");
        try (IndexSnapshot snapshot = IndexSnapshot.of(repo.resolve(".git/index"))) {
            assertThat(snapshot.entries().map(IndexSnapshot.Entries::racy)).isEmpty();
        }
        try (IndexSnapshot none = IndexSnapshot.of(tmp.resolve("no-index"))) {
            assertThat(none.environment()).isEqualTo(Map.of());
            assertThat(none.copied()).isFalse();
            assertThat(none.entries()).as("git reads its own").isEmpty();
        }
    }

    /**
     * The copy's entries are listed as {@code git ls-files --stage -v -z} lists them, byte for byte, in every version
     * and with every kind of entry: a conflict's stages, assume-unchanged, skip-worktree, intent-to-add, an
     * executable, a symlink, a submodule, a name that is not ASCII, paths that share long prefixes.
     */
    @Test
    void entriesAreListedAsGitListsThem() throws Exception {
        Path repo = tmp.resolve("kinds");
        new TestTree(repo)
                .file("conflict.txt", "base\n")
                .file("plain.txt", "plain\n")
                .file("run.sh", "#!/bin/sh\n")
                .file("a/very/long/folder/name/that/repeats/a/lot/one.txt", "1\n")
                .file("a/very/long/folder/name/that/repeats/a/lot/two.txt", "2\n")
                .file("caf\u00e9/na\u00efve.txt", "n\n")
                .file("hidden.txt", "h\n")
                .file("sparse.txt", "s\n");
        repo.resolve("run.sh").toFile().setExecutable(true);
        Files.createSymbolicLink(repo.resolve("link"), Path.of("plain.txt"));
        git(repo, "init", "-q", "-b", "main");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "base");
        git(repo, "checkout", "-q", "-b", "other");
        Files.writeString(repo.resolve("conflict.txt"), "other\n");
        git(repo, "commit", "-q", "-am", "other");
        git(repo, "checkout", "-q", "main");
        Files.writeString(repo.resolve("conflict.txt"), "main\n");
        git(repo, "commit", "-q", "-am", "main");
        new ProcessBuilder("git", "merge", "-q", "other")
                .directory(repo.toFile())
                .redirectErrorStream(true)
                .start()
                .waitFor();
        git(repo, "update-index", "--assume-unchanged", "hidden.txt");
        git(repo, "update-index", "--skip-worktree", "sparse.txt");
        git(repo, "update-index", "--add", "--cacheinfo", "160000," + "1".repeat(40) + ",sub");
        new TestTree(repo).file("later.txt", "intent\n");
        git(repo, "add", "-N", "later.txt");
        for (int version : new int[] {3, 4, 2}) {
            git(repo, "update-index", "--index-version", String.valueOf(version));
            try (IndexSnapshot snapshot = IndexSnapshot.of(repo.resolve(".git/index"))) {
                String listed = new String(
                        new ProcessBuilder("git", "ls-files", "--stage", "-v", "-z")
                                .directory(repo.toFile())
                                .start()
                                .getInputStream()
                                .readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8);
                assertThat(listed).contains("M 100644").contains("h 100644").contains("S 100644");
                assertThat(snapshot.entries().map(IndexSnapshot.Entries::listing))
                        .as("version %d", version)
                        .contains(listed);
                assertThat(IndexEntries.parse(listed).listing())
                        .as("git's listing read back (an index not read here)")
                        .isEqualTo(listed);
            }
        }
    }

    @Test
    void aSparseIndexIsNotReadHere() throws Exception {
        Path repo = repository(2);
        git(repo, "sparse-checkout", "set", "--cone", "--sparse-index", "racy");
        assertThat(git(repo, "config", "index.sparse")).contains("true");
        try (IndexSnapshot snapshot = IndexSnapshot.of(repo.resolve(".git/index"))) {
            assertThat(snapshot.copied()).isTrue();
            assertThat(snapshot.entries()).isEmpty();
        }
    }
}
