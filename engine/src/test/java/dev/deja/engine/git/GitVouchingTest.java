package dev.deja.engine.git;

import static dev.deja.engine.git.TestGit.git;
import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files git vouches for, with real git: clean, tracked, regular, unconverted ones only. */
class GitVouchingTest {

    @TempDir
    Path tmp;

    /** A repository of what {@code root} holds, all of it committed. */
    private void committed(Path root) throws Exception {
        git(root, "init", "-q");
        git(root, "add", "-A");
        git(root, "commit", "-q", "-m", "x");
    }

    private static List<String> vouched(Path root) {
        return ((GitVouching) GitVouching.of(root, Map.of())).vouchedPaths();
    }

    @Test
    void theFolderDejaStartsInIsReadAsTheEmptyPath() {
        // deja without -C starts from Path.of(""), in which no process starts: git's word was lost on every such run.
        // The tests run inside this project's own checkout.
        Path here = Path.of("").toAbsolutePath();
        String why = GitVouching.reading(Path.of(""), Map.of(), refusal -> {})
                .forProject(here)
                .tree(List.of("src"))
                .refusal();
        assertThat(String.valueOf(why)).doesNotContain("not a git checkout");
    }

    @Test
    void attributesInTheGitFolderCountAsMuchAsCommittedOnes() throws Exception {
        Path repo = tmp.resolve("repo");
        new TestTree(repo).file("app/crlf.txt", "one\n").file("app/plain.txt", "two\n");
        committed(repo);
        assertThat(vouched(repo)).containsExactlyInAnyOrder("app/crlf.txt", "app/plain.txt");

        // Not in the tree, so only $GIT_DIR/info/attributes says it; found from a folder below the top too.
        Files.writeString(repo.resolve(".git/info/attributes"), "crlf.txt eol=crlf\n");
        assertThat(vouched(repo)).containsExactly("app/plain.txt");
        assertThat(((GitVouching) GitVouching.of(repo.resolve("app"), Map.of())).vouchedPaths())
                .containsExactly("app/plain.txt");
    }

    @Test
    void onlyCleanTrackedUnconvertedRegularFilesAreVouchedFor() throws Exception {
        Path sub = tmp.resolve("sub");
        new TestTree(sub).file("inner.txt", "in a submodule\n");
        committed(sub);
        Path repo = tmp.resolve("repo");
        new TestTree(repo)
                .file("clean.txt", "clean\n")
                .file("run.sh", "#!/bin/sh\n")
                .file("edited.txt", "before\n")
                .file("filtered.txt", "filtered\n")
                .file("crlf.txt", "one\n")
                .file("lf.txt", "one\n")
                .file(".gitattributes", "filtered.txt filter=upper\ncrlf.txt eol=crlf\nlf.txt eol=lf text\n");
        repo.resolve("run.sh").toFile().setExecutable(true);
        Files.createSymbolicLink(repo.resolve("link"), Path.of("clean.txt"));
        git(repo, "init", "-q");
        git(repo, "submodule", "add", "-q", sub.toString(), "sub");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "x");
        Files.writeString(repo.resolve("edited.txt"), "after\n");
        Files.writeString(repo.resolve("untracked.txt"), "new\n");

        assertThat(vouched(repo))
                .containsExactlyInAnyOrder("clean.txt", "run.sh", "lf.txt", ".gitattributes", ".gitmodules");
    }

    @Test
    void gitThatIgnoresCtimesOrConvertsEveryTextFileVouchesForNothing() throws Exception {
        Path repo = tmp.resolve("repo");
        new TestTree(repo).file("clean.txt", "clean\n");
        committed(repo);
        assertThat(vouched(repo)).containsExactly("clean.txt");
        for (List<String> setting : List.of(
                List.of("core.trustctime", "false"),
                List.of("core.checkStat", "minimal"),
                List.of("core.autocrlf", "true"))) {
            git(repo, "config", setting.get(0), setting.get(1));
            assertThat(vouched(repo)).as(setting.get(0)).isEmpty();
            git(repo, "config", "--unset", setting.get(0));
        }
    }

    @Test
    void outsideACheckoutNothingIsVouchedFor() {
        assertThat(vouched(tmp)).isEmpty();
    }

    private String gitOut(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes()).strip();
        assertThat(process.waitFor()).isZero();
        return out;
    }

    /** Git's word on {@code root} that keys every clean folder by the commit's tree there, however few its entries. */
    private static GitVouching keyedByTrees(Path root) {
        return (GitVouching) GitVouching.reading(root, Map.of(), refusal -> {}).forProject(root, 0);
    }

    /**
     * A clean folder of a few entries is keyed by git's lines for them ({@code ls-files --stage -v -z}, from the checkout's
     * top), not by the commit's tree, which needs an {@code ls-tree}: the same key from run to run, another as soon as
     * an entry below changes.
     */
    @Test
    void aSmallCleanFolderIsKeyedByItsIndexLines() throws Exception {
        Path repo = tmp.resolve("repo");
        new TestTree(repo).file("proj/app/a.txt", "a\n").file("proj/app/sub/b.txt", "b\n");
        committed(repo);
        Path project = repo.resolve("proj");
        String lines = gitOut(repo, "ls-files", "--stage", "-v", "-z", "--", "proj/app");
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        sha.update(lines.replaceAll("\0$", "").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sha.update((byte) '/');

        String key = ((GitVouching) GitVouching.of(project, Map.of()))
                .tree(List.of("app"))
                .key();

        assertThat(key).isEqualTo(java.util.HexFormat.of().formatHex(sha.digest()));
        assertThat(key).isNotEqualTo(treeKey(gitOut(repo, "rev-parse", "HEAD:proj/app")));
        new TestTree(repo).file("proj/app/a.txt", "changed\n");
        committed(repo);
        assertThat(((GitVouching) GitVouching.of(project, Map.of()))
                        .tree(List.of("app"))
                        .key())
                .isNotEqualTo(key);
    }

    /** The key {@code tree} gives a clean folder: the commit's tree id there (and a '/' closing the root). */
    private static String treeKey(String... treeIds) throws Exception {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        for (String id : treeIds) {
            sha.update(("tree " + id).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update((byte) '/');
        }
        return java.util.HexFormat.of().formatHex(sha.digest());
    }

    /**
     * A clean folder is keyed by the commit's tree there, asked of git for the announced folders only (the project in a
     * subfolder of its checkout, a folder with an odd name, the project's root), and for one never announced on its
     * own; a folder with something staged is keyed by its index lines instead.
     */
    @Test
    void cleanFoldersAreKeyedByTheCommitsTreesAnnouncedOrNot() throws Exception {
        Path repo = tmp.resolve("repo");
        new TestTree(repo)
                .file("proj/app/a.txt", "a\n")
                .file("proj/odd [name]*/b.txt", "b\n")
                .file("proj/lib/c.txt", "c\n")
                .file("other/d.txt", "d\n");
        committed(repo);
        Path project = repo.resolve("proj");
        GitVouching vouching = keyedByTrees(project);
        vouching.willAsk(List.of("app", "odd [name]*", ""));
        assertThat(vouching.tree(List.of("app")).key()).isEqualTo(treeKey(gitOut(repo, "rev-parse", "HEAD:proj/app")));
        assertThat(vouching.tree(List.of("odd [name]*")).key())
                .isEqualTo(treeKey(gitOut(repo, "rev-parse", "HEAD:proj/odd [name]*")));
        assertThat(vouching.tree(List.of("")).key()).isEqualTo(treeKey(gitOut(repo, "rev-parse", "HEAD:proj")));
        assertThat(vouching.tree(List.of("lib")).key())
                .as("never announced")
                .isEqualTo(treeKey(gitOut(repo, "rev-parse", "HEAD:proj/lib")));

        new TestTree(repo).file("proj/lib/staged.txt", "s\n");
        git(repo, "add", "proj/lib/staged.txt");
        GitVouching staged = keyedByTrees(project);
        staged.willAsk(List.of("lib"));
        assertThat(staged.tree(List.of("lib")).vouched()).isTrue();
        assertThat(staged.tree(List.of("lib")).key()).isNotEqualTo(treeKey(gitOut(repo, "rev-parse", "HEAD:proj/lib")));
        assertThat(staged.tree(List.of("app")).key()).isEqualTo(treeKey(gitOut(repo, "rev-parse", "HEAD:proj/app")));
    }
    /**
     * A folder's entries are found by where their paths sort: siblings whose names sort just before and after its
     * slash ({@code app-two}, {@code app.d}, {@code app0}, {@code app_x}) are not in it, whatever happens to them; a
     * file inside is, and so is a file asked by its own path.
     */
    @Test
    void aFolderIsItsOwnEntriesNotThoseOfSiblingsThatSortBesideIt() throws Exception {
        Path repo = tmp.resolve("repo");
        new TestTree(repo)
                .file("app/a.txt", "a\n")
                .file("app/sub/b.txt", "b\n")
                .file("app-two/c.txt", "c\n")
                .file("app.d", "d\n")
                .file("app0/e.txt", "e\n")
                .file("app_x/f.txt", "f\n")
                .file("lone.txt", "lone\n");
        committed(repo);
        for (String sibling : List.of("app-two/c.txt", "app.d", "app0/e.txt", "app_x/f.txt")) {
            Files.writeString(repo.resolve(sibling), "edited\n");
        }
        GitVouching siblingsEdited = keyedByTrees(repo);
        assertThat(siblingsEdited.tree(List.of("app")).key()).isEqualTo(treeKey(gitOut(repo, "rev-parse", "HEAD:app")));
        assertThat(siblingsEdited.tree(List.of("lone.txt")).vouched()).isTrue();
        assertThat(siblingsEdited.tree(List.of("app-two")).refusal()).isEqualTo("'app-two/c.txt' is modified");

        Files.writeString(repo.resolve("app/sub/b.txt"), "edited\n");
        Files.writeString(repo.resolve("lone.txt"), "edited\n");
        GitVouching insideEdited = (GitVouching) GitVouching.of(repo, Map.of());
        assertThat(insideEdited.tree(List.of("app")).refusal()).isEqualTo("'app/sub/b.txt' is modified");
        assertThat(insideEdited.tree(List.of("lone.txt")).refusal()).isEqualTo("'lone.txt' is modified");
        assertThat(insideEdited.tree(List.of("nothing-here")).refusal())
                .isEqualTo("git tracks nothing at 'nothing-here'");
    }

    /**
     * An index entry whose mtime has its index's second is racy: the file may have changed within that second, its
     * size and times the same. Git reads such files again on every status; deja asks git about a copy of the index
     * that is not racy and checks them itself. An entry as new as the index to the nanosecond is read: a file that is
     * not the index's blob is not vouched for, a clean one and an old one are.
     */
    @Test
    void racyFilesAsNewAsTheIndexAreRead() throws Exception {
        Path repo = tmp.resolve("repo");
        new TestTree(repo)
                .file("racy-edited.txt", "two\n")
                .file("racy-clean.txt", "same\n")
                .file("old.txt", "old\n");
        FileTime racy = FileTime.from(Instant.now().minusSeconds(30).getEpochSecond(), TimeUnit.SECONDS);
        Files.setLastModifiedTime(repo.resolve("racy-edited.txt"), racy);
        Files.setLastModifiedTime(repo.resolve("racy-clean.txt"), racy);
        Files.setLastModifiedTime(
                repo.resolve("old.txt"), FileTime.from(racy.toInstant().minusSeconds(60)));
        committed(repo);
        // The entry git recorded with the file's stat names another content: what a change within the tick leaves.
        TestGit.replaceBlob(repo, "racy-edited.txt", "one\n");
        Files.setLastModifiedTime(repo.resolve(".git/index"), racy);
        assertThat(gitOut(repo, "--no-optional-locks", "status", "--porcelain"))
                .as("git itself")
                .containsPattern(".M racy-edited.txt");

        assertThat(vouched(repo)).containsExactlyInAnyOrder("racy-clean.txt", "old.txt");
    }

    /**
     * A racy entry older than the index to the nanosecond is trusted as git built with nanosecond times trusts it: by
     * its file's times, to the nanosecond, without reading it (its recorded blob is another content here, and deja
     * vouches for it all the same). One whose file was written again, its mtime put back, has another ctime: it is
     * read, and found changed.
     */
    @Test
    void racyFilesOlderThanTheIndexToTheNanosecondAreTrustedByTheirTimes() throws Exception {
        Path repo = tmp.resolve("repo");
        new TestTree(repo).file("trusted.txt", "two\n").file("rewritten.txt", "one\n");
        FileTime racy = FileTime.from(Instant.now().minusSeconds(30).getEpochSecond(), TimeUnit.SECONDS);
        FileTime written = FileTime.from(racy.to(TimeUnit.NANOSECONDS) + 100_000_000, TimeUnit.NANOSECONDS);
        Files.setLastModifiedTime(repo.resolve("trusted.txt"), written);
        Files.setLastModifiedTime(repo.resolve("rewritten.txt"), written);
        committed(repo);
        TestGit.replaceBlob(repo, "trusted.txt", "one\n");
        // Same size, same mtime: only the ctime tells (git compares its seconds, which mostly are the same).
        Files.writeString(repo.resolve("rewritten.txt"), "two\n");
        Files.setLastModifiedTime(repo.resolve("rewritten.txt"), written);
        Files.setLastModifiedTime(
                repo.resolve(".git/index"),
                FileTime.from(racy.to(TimeUnit.NANOSECONDS) + 500_000_000, TimeUnit.NANOSECONDS));

        assertThat(vouched(repo)).containsExactly("trusted.txt");
    }
}
