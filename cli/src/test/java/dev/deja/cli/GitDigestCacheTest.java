package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import dev.deja.packer.state.BlobKey;
import dev.deja.packer.state.DigestCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The digest cache keyed by git's blob ids, with real git: a fresh clone that carries only the cache file knows
 * its states without reading the files git vouches for, and a state is the same with the cache off, cold, from git,
 * on a dirty tree; files git cannot vouch for (a smudge filter, an LFS-style filter, eol=crlf, a submodule's, one
 * modified with its mtime put back) are read. Doctored cache entries prove which files were looked up by blob.
 */
class GitDigestCacheTest {

    @TempDir
    Path tmp;

    private static final List<String> READ_ALWAYS =
            List.of("app/upper.txt", "app/pointer.bin", "app/crlf.txt", "app/sub/inner.txt");

    /** Files in app/many: more than a context walked again rather than listed (ContentHasher.SMALL_CONTEXT). */
    private static final int MANY = 1_100;

    private GitCheckouts checkouts;

    private String state(Path root, Path cache) {
        return checkouts.state(root, cache);
    }

    private String git(Path dir, String... args) throws Exception {
        return checkouts.git(dir, args);
    }

    /** The filters are the checkout's own configuration, as a real one's would be (git-lfs install writes them). */
    private void configureFilters(Path repo) throws Exception {
        git(repo, "config", "filter.upper.smudge", "tr a-z A-Z");
        git(repo, "config", "filter.upper.clean", "tr A-Z a-z");
        git(repo, "config", "filter.fakelfs.smudge", "sed s/pointer/content/");
        git(repo, "config", "filter.fakelfs.clean", "sed s/content/pointer/");
    }

    @Test
    void aFreshCloneCarryingTheCacheFileKnowsItsStatesAndEveryWayGivesTheSameState() throws Exception {
        checkouts = new GitCheckouts(
                tmp.resolve("home"),
                List.of(
                        "protocol.file.allow=always",
                        "filter.upper.smudge=tr a-z A-Z",
                        "filter.upper.clean=tr A-Z a-z",
                        "filter.fakelfs.smudge=sed s/pointer/content/",
                        "filter.fakelfs.clean=sed s/content/pointer/"));
        Path sub = tmp.resolve("subrepo");
        new TestTree(sub).file("inner.txt", "inside the submodule\n");
        git(sub, "init", "-q", "-b", "main");
        git(sub, "add", "-A");
        git(sub, "commit", "-q", "-m", "sub");

        Path origin = tmp.resolve("origin");
        new TestTree(origin)
                .file("deja.yaml", "bases: ignore\nimages:\n  app: {dockerfile: app/Dockerfile}\n")
                .file("app/Dockerfile", "FROM scratch\nCOPY . /\n")
                .file("app/a.txt", "plain text\n")
                .file("app/b.txt", "twelve bytes")
                .file("app/upper.txt", "shouted on checkout\n")
                .file("app/pointer.bin", "pointer 1234\n")
                .file("app/crlf.txt", "one\ntwo\n")
                .file(
                        ".gitattributes",
                        "app/upper.txt filter=upper\napp/pointer.bin filter=fakelfs\napp/crlf.txt eol=crlf\n");
        // More files than deja reads before it asks git (a few edits are cheaper to hash than git status), and than a
        // context walked again rather than listed from git's index once it has been walked.
        for (int i = 0; i < MANY; i++) {
            Files.createDirectories(origin.resolve("app/many"));
            Files.writeString(origin.resolve("app/many/f" + i + ".txt"), "file " + i + "\n");
        }
        git(origin, "init", "-q", "-b", "main");
        configureFilters(origin);
        git(origin, "submodule", "add", "-q", sub.toString(), "app/sub");
        git(origin, "add", "-A");
        git(origin, "commit", "-q", "-m", "import");
        // As a checkout has them: smudged, with CRLF.
        for (String path : List.of("app/upper.txt", "app/pointer.bin", "app/crlf.txt")) {
            Files.delete(origin.resolve(path));
            git(origin, "checkout", "-q", "--", path);
        }

        String off = state(origin, null);
        Path cache = tmp.resolve("cache");
        assertThat(state(origin, cache)).as("cold").isEqualTo(off);
        assertThat(state(origin, cache)).as("warm").isEqualTo(off);

        // A CI job's fresh clone: other paths, inodes and times; only the cache file is carried.
        Path clone = tmp.resolve("clone");
        git(tmp, "clone", "-q", "--no-checkout", origin.toString(), clone.toString());
        configureFilters(clone);
        git(clone, "checkout", "-q", "main");
        git(clone, "submodule", "update", "-q", "--init");
        assertThat(Files.readString(clone.resolve("app/upper.txt"))).isEqualTo("SHOUTED ON CHECKOUT\n");
        assertThat(Files.readString(clone.resolve("app/crlf.txt"))).isEqualTo("one\r\ntwo\r\n");
        assertThat(Files.readString(clone.resolve("app/pointer.bin"))).isEqualTo("content 1234\n");
        Path carried = tmp.resolve("carried");
        Files.createDirectories(carried);
        Files.copy(cache.resolve("digests.bin"), carried.resolve("digests.bin"));
        assertThat(state(clone, carried)).as("from git").isEqualTo(off);

        // Which files were known by their blob: doctor every blob entry; vouched-for files take the doctored digest
        // (the state changes), the ones git cannot vouch for are read (doctoring them alone changes nothing).
        Path doctored = tmp.resolve("doctored");
        Files.createDirectories(doctored);
        Files.copy(cache.resolve("digests.bin"), doctored.resolve("digests.bin"));
        DigestCache poisoned = DigestCache.open(doctored.resolve("digests.bin"));
        for (String path : READ_ALWAYS) {
            String id = path.startsWith("app/sub/")
                    ? git(sub, "rev-parse", "HEAD:inner.txt")
                    : git(origin, "rev-parse", "HEAD:" + path);
            // Under the size of the blob and of the checked-out file: whichever a lookup would use.
            long blobSize = Long.parseLong(
                    git(origin.resolve(path.startsWith("app/sub/") ? "app/sub" : "."), "cat-file", "-s", id));
            for (long size : List.of(blobSize, Files.size(clone.resolve(path)))) {
                poisoned.record(new BlobKey(id, size, 0100644), "0".repeat(64));
            }
        }
        poisoned.save();
        assertThat(state(clone, doctored))
                .as("filtered, crlf and submodule files are read")
                .isEqualTo(off);
        // Vouched-for files are known by their blobs: doctored, they change the state (a run reads the first few
        // unknown files itself before it asks git, so every one of app/many is doctored).
        DigestCache poisonedToo = DigestCache.open(doctored.resolve("digests.bin"));
        for (String line : git(origin, "ls-files", "-s", "app/many").split("\n")) {
            // <mode> <blob> <stage>\t<path>
            String[] fields = line.split("[ \t]");
            poisonedToo.record(new BlobKey(fields[1], Files.size(origin.resolve(fields[3])), 0100644), "0".repeat(64));
        }
        poisonedToo.save();
        Path fresh = tmp.resolve("fresh");
        git(tmp, "clone", "-q", "--no-checkout", origin.toString(), fresh.toString());
        configureFilters(fresh);
        git(fresh, "checkout", "-q", "main");
        git(fresh, "submodule", "update", "-q", "--init");
        assertThat(state(fresh, null)).as("the same tree").isEqualTo(off);
        assertThat(state(fresh, doctored)).as("app/many known by their blobs").isNotEqualTo(off);

        // A dirty tree: the modified file is read, the state is what the cache-off run says.
        Files.writeString(clone.resolve("app/a.txt"), "edited in the clone\n");
        String dirty = state(clone, null);
        assertThat(dirty).isNotEqualTo(off);
        assertThat(state(clone, carried)).as("dirty").isEqualTo(dirty);
        // Listed from git's index, not walked: the files git vouches for are neither stat'ed nor read; the edited one,
        // the filtered, crlf and submodule ones and the link git keeps for the submodule are looked at on disk.
        Run listed =
                Run.withEnvironment(checkouts.env(carried), "-C", clone.toString(), "state", "--offline", "--debug");
        assertThat(listed.stderr())
                .containsPattern("context 'app' listed from git's index: " + (MANY + 2)
                        + " files as git has them, [1-9]" + "[0-9]? looked at on disk");

        // Same size, mtime put back by a tool: git sees the ctime move and says modified; deja reads it.
        Path b = clone.resolve("app/b.txt");
        java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(b);
        Files.writeString(b, "TWELVE BYTES");
        Files.setLastModifiedTime(b, mtime);
        String restored = state(clone, null);
        assertThat(restored).isNotEqualTo(dirty);
        assertThat(state(clone, carried)).as("mtime put back").isEqualTo(restored);
    }

    /**
     * A checkout another user owns (a CI container that runs as root over the runner's clone): git refuses it. The run
     * says so once, in git's words with their fix, however many images ask, and reads their contexts: their states are
     * the ones git's word gave.
     */
    @Test
    void aCheckoutGitRefusesIsSaidOnceAndItsContextsAreRead() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to give the checkout away");
        checkouts = new GitCheckouts(tmp.resolve("home"), List.of());
        Path repo = tmp.resolve("theirs");
        new TestTree(repo)
                .file("deja.yaml", "images:\n  a: {dockerfile: a/Dockerfile}\n  b: {dockerfile: b/Dockerfile}\n")
                .file("a/Dockerfile", "FROM scratch\nCOPY . /\n")
                .file("a/x.txt", "x\n")
                .file("b/Dockerfile", "FROM scratch\nCOPY . /\n")
                .file("b/y.txt", "y\n");
        git(repo, "init", "-q");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "one");
        String vouched = state(repo, tmp.resolve("cache-vouched"));

        assertThat(new ProcessBuilder("chown", "-R", "65534:65534", repo.toString())
                        .start()
                        .waitFor())
                .isZero();
        Run refused = Run.withEnvironment(
                checkouts.env(tmp.resolve("cache")), "-C", repo.toString(), "state", "--offline", "--debug");
        assertThat(refused.code()).as(refused.stderr()).isZero();
        assertThat(refused.stdout()).isEqualTo(vouched);
        assertThat(refused.stderr().lines().filter(line -> line.startsWith("deja: git refuses")))
                .singleElement()
                .asString()
                .contains("reads and hashes every file", "tags no image with the commit", "dubious ownership")
                .contains("git config --global --add safe.directory " + repo);
        assertThat(refused.stderr())
                .contains("a: walking its context (git refuses this checkout")
                .contains("b: walking its context (git refuses this checkout");
    }
}
