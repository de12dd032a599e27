package dev.deja.engine.git;

import static dev.deja.engine.git.TestGit.git;
import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UncommittedTest {

    @Test
    void everyKindOfChangeUnderTheProjectFromItsFolder() {
        String status = String.join(
                "\0",
                " M proj/app/edited.c",
                "M  proj/app/staged.c",
                "D  proj/app/gone.c",
                "R  proj/app/new.c",
                "proj/lib/old.c",
                "?? proj/app/untracked.txt",
                "?? elsewhere/not-ours.txt",
                "");
        assertThat(Uncommitted.fromStatus(status, "proj/"))
                .containsExactly(
                        "app/edited.c", "app/staged.c", "app/gone.c", "app/new.c", "lib/old.c", "app/untracked.txt");
        assertThat(Uncommitted.fromStatus(status, "")).hasSize(7);
        assertThat(Uncommitted.fromStatus("", "")).isEmpty();
    }

    /** A folder with no file at any depth is content no commit can hold; one with files (ignored ones too) is not. */
    @Test
    void onlyFoldersThatHoldNoFileAreEmpty(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("empty"));
        Files.createDirectories(root.resolve("deep/er/still"));
        Files.createDirectories(root.resolve("artifacts"));
        Files.writeString(root.resolve("artifacts/app.log"), "ignored by git\n");
        Files.createDirectories(root.resolve("linked"));
        Files.createSymbolicLink(root.resolve("linked/to"), Path.of("../empty"));
        assertThat(Uncommitted.emptyFolders(root, "empty/\0deep/\0artifacts/\0linked/\0file.txt\0"))
                .containsExactly("empty/", "deep/");
    }

    /**
     * Right after a clone or checkout, thousands of index entries are racy and every status of the real index reads
     * their files again; deja asks about a copy of the index instead when each racy entry is trusted by its file's
     * times to the nanosecond. Here such an entry records its file's stat data while naming another content (what
     * only a change within the clock tick could leave): git about its own index calls it modified, the copy does not,
     * and the answer is the copy's. Edits and untracked files come through the copy as through the index.
     */
    @Test
    void racyEntriesTrustedByTheirTimesAreAnsweredByACopyOfTheIndex(@TempDir Path repo) throws Exception {
        new TestTree(repo).file("trusted.txt", "one\n").file("app/edited.txt", "before\n");
        FileTime racy = FileTime.from(Instant.now().minusSeconds(30).getEpochSecond(), TimeUnit.SECONDS);
        Files.setLastModifiedTime(repo.resolve("app/edited.txt"), plus(racy, -60_000));
        committed(repo);
        Files.writeString(repo.resolve("trusted.txt"), "two\n");
        Files.setLastModifiedTime(repo.resolve("trusted.txt"), plus(racy, 100));
        TestGit.recordStat(repo, "trusted.txt");
        Files.setLastModifiedTime(repo.resolve(".git/index"), plus(racy, 500));
        Files.writeString(repo.resolve("app/edited.txt"), "after, longer\n");
        Files.writeString(repo.resolve("app/untracked.txt"), "new\n");
        assertThat(git(repo, "--no-optional-locks", "status", "--porcelain"))
                .as("git about its own index")
                .contains(" M trusted.txt");

        assertThat(Uncommitted.read(repo).orElseThrow().paths())
                .containsExactlyInAnyOrder("app/edited.txt", "app/untracked.txt");
        assertThat(Uncommitted.read(repo.resolve("app")).orElseThrow().paths())
                .as("from a folder of the checkout")
                .containsExactlyInAnyOrder("edited.txt", "untracked.txt");
    }

    /**
     * A racy file written again within its second, its mtime put back and its size the same, has another ctime: the
     * copy of the index cannot tell (git compares the ctime's seconds), so git is asked about its own index, and
     * reads it.
     */
    @Test
    void aRacyFileWrittenAgainIsAskedOfGitsOwnIndex(@TempDir Path repo) throws Exception {
        new TestTree(repo).file("rewritten.txt", "one\n").file("untouched.txt", "same\n");
        FileTime racy = FileTime.from(Instant.now().minusSeconds(30).getEpochSecond(), TimeUnit.SECONDS);
        Files.setLastModifiedTime(repo.resolve("rewritten.txt"), plus(racy, 100));
        Files.setLastModifiedTime(repo.resolve("untouched.txt"), plus(racy, 100));
        committed(repo);
        Files.writeString(repo.resolve("rewritten.txt"), "two\n");
        Files.setLastModifiedTime(repo.resolve("rewritten.txt"), plus(racy, 100));
        Files.setLastModifiedTime(repo.resolve(".git/index"), plus(racy, 500));

        assertThat(Uncommitted.read(repo).orElseThrow().paths()).containsExactly("rewritten.txt");
    }

    /**
     * Only the project's folder is asked about: a racy file written again in another folder of the checkout makes a
     * project there ask git's own index, not a project beside it, which takes the copy's answer.
     */
    @Test
    void racyFilesOfOtherFoldersDoNotCount(@TempDir Path repo) throws Exception {
        new TestTree(repo).file("app/trusted.txt", "one\n").file("other/rewritten.txt", "one\n");
        FileTime racy = FileTime.from(Instant.now().minusSeconds(30).getEpochSecond(), TimeUnit.SECONDS);
        Files.setLastModifiedTime(repo.resolve("other/rewritten.txt"), plus(racy, 100));
        committed(repo);
        Files.writeString(repo.resolve("app/trusted.txt"), "two\n");
        Files.setLastModifiedTime(repo.resolve("app/trusted.txt"), plus(racy, 100));
        TestGit.recordStat(repo, "app/trusted.txt");
        Files.writeString(repo.resolve("other/rewritten.txt"), "two\n");
        Files.setLastModifiedTime(repo.resolve("other/rewritten.txt"), plus(racy, 100));
        Files.setLastModifiedTime(repo.resolve(".git/index"), plus(racy, 500));

        assertThat(Uncommitted.read(repo.resolve("app")).orElseThrow().paths())
                .as("the copy's answer")
                .isEmpty();
        assertThat(Uncommitted.read(repo).orElseThrow().paths())
                .as("git's own index, which reads both")
                .containsExactlyInAnyOrder("app/trusted.txt", "other/rewritten.txt");
    }

    private static void committed(Path repo) throws Exception {
        git(repo, "init", "-q");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "x");
    }

    private static FileTime plus(FileTime second, long millis) {
        return FileTime.from(second.to(TimeUnit.MILLISECONDS) + millis, TimeUnit.MILLISECONDS);
    }
}
