package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import dev.deja.packer.state.DigestCache;
import dev.deja.packer.state.KnownState;
import dev.deja.packer.state.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * States known without walking, with real git: when git vouches for every file a context's walk would find, the
 * state the digest cache remembered for the same inputs is the state. The carried cache is doctored (every known
 * state replaced by a fake one), so an image whose state comes from it prints the fake state, and one that is walked
 * prints the state the files give. Whatever git cannot vouch for, or the key does not name, makes deja walk.
 */
class KnownStateTest {

    private static final State FAKE = new State("f".repeat(64));

    @TempDir
    Path tmp;

    private Path origin;
    private Path doctored;

    private GitCheckouts checkouts;

    /** Image name to state tag. */
    private Map<String, String> states(Path root, Path cache) {
        Map<String, String> states = new HashMap<>();
        checkouts
                .state(root, cache)
                .lines()
                .map(line -> line.split(" "))
                .forEach(words -> states.put(words[0], words[1]));
        return states;
    }

    private String git(Path dir, String... args) throws Exception {
        return checkouts.git(dir, args);
    }

    @BeforeEach
    void originWithItsCacheDoctored() throws Exception {
        checkouts = new GitCheckouts(tmp.resolve("home"), List.of());
        origin = tmp.resolve("origin");
        new TestTree(origin)
                .file(
                        "deja.yaml",
                        "bases: ignore\nimages:\n"
                                + "  app: {dockerfile: app/Dockerfile, include: [shared]}\n"
                                + "  outside: {dockerfile: docker/outside.Dockerfile, context: svc}\n"
                                + "  whole: {dockerfile: whole.Dockerfile, context: ., exclude: [app, svc]}\n")
                .file("app/Dockerfile", "FROM scratch\nCOPY . /\n")
                .file("app/.dockerignore", "node_modules\n*.log\n")
                .file("app/a.txt", "plain text\n")
                .file("shared/lib.txt", "shared\n")
                .file("shared/other.txt", "other\n")
                .file("docker/outside.Dockerfile", "FROM scratch\nCOPY . /\n")
                .file("docker/outside.Dockerfile.dockerignore", "ignored.txt\n")
                .file("svc/kept.txt", "kept\n")
                .file("svc/ignored.txt", "ignored\n")
                .file("whole.Dockerfile", "FROM scratch\nCOPY . /\n");
        Files.createSymbolicLink(origin.resolve("shared/link"), Path.of("lib.txt"));
        git(origin, "init", "-q", "-b", "main");
        git(origin, "add", "-A");
        git(origin, "commit", "-q", "-m", "import");

        Path cache = tmp.resolve("cache");
        Map<String, String> off = states(origin, null);
        assertThat(states(origin, cache)).as("cold").isEqualTo(off);
        DigestCache remembered = DigestCache.open(cache.resolve("digests.bin"));
        assertThat(remembered.knownStates()).as("one known state per image").hasSize(3);
        assertThat(states(origin, cache)).as("known").isEqualTo(off);

        doctored = tmp.resolve("doctored");
        Files.createDirectories(doctored);
        Files.copy(cache.resolve("digests.bin"), doctored.resolve("digests.bin"));
        DigestCache poisoned = DigestCache.open(doctored.resolve("digests.bin"));
        poisoned.knownStates().forEach((key, known) -> poisoned.record(key, new KnownState(FAKE, 1, 1)));
        poisoned.save();
    }

    /** A CI job's fresh clone: other paths, inodes and times, and the doctored cache file carried into it. */
    private Path freshClone(String name) throws Exception {
        Path clone = tmp.resolve(name);
        git(tmp, "clone", "-q", origin.toString(), clone.toString());
        return clone;
    }

    private Path carried(String name) throws Exception {
        Path carried = tmp.resolve("carried-" + name);
        Files.createDirectories(carried);
        Files.copy(doctored.resolve("digests.bin"), carried.resolve("digests.bin"));
        return carried;
    }

    /** The images whose state the doctored cache gave; the others must be what their files give. */
    private List<String> knownIn(Path clone) throws Exception {
        Map<String, String> walked = states(clone, null);
        Map<String, String> withCache =
                states(clone, carried(clone.getFileName().toString()));
        List<String> known = new ArrayList<>();
        withCache.forEach((image, tag) -> {
            if (tag.equals(FAKE.tag())) {
                known.add(image);
            } else {
                assertThat(tag).as(image + " walked").isEqualTo(walked.get(image));
            }
        });
        return known.stream().sorted().toList();
    }

    @Test
    void aCleanCloneKnowsEveryStateWithoutWalking() throws Exception {
        Path clone = freshClone("clean");
        assertThat(states(clone, null)).as("same files, same states").isEqualTo(states(origin, null));
        assertThat(knownIn(clone)).containsExactly("app", "outside", "whole");
        assertThat(debug(clone))
                .contains(" s] app: state known without walking its context")
                .contains(" s] whole: state known without walking its context");
    }

    /** What {@code --debug} says of each image's state, in a run with the (doctored) cache carried. */
    private String debug(Path clone) throws Exception {
        Run run = Run.withEnvironment(
                checkouts.env(carried(clone.getFileName() + "-debug")),
                "-C",
                clone.toString(),
                "state",
                "--offline",
                "--debug");
        assertThat(run.code()).as(run.stderr()).isZero();
        return run.stderr();
    }

    @Test
    void untrackedFilesTheRulesLeaveOutDoNotStopIt() throws Exception {
        Path clone = freshClone("ignored");
        new TestTree(clone)
                .file("app/node_modules/dep/index.js", "module\n")
                .file("app/debug.log", "log\n")
                .file(".deja-cache/digests.bin", "a CI job's cache folder\n");
        assertThat(knownIn(clone)).containsExactly("app", "outside", "whole");
    }

    @Test
    void anUntrackedFileTheContextWouldHoldIsWalked() throws Exception {
        Path clone = freshClone("untracked");
        new TestTree(clone).file("app/new.txt", "new\n");
        assertThat(knownIn(clone)).as("app walked; whole excludes app").containsExactly("outside", "whole");
        assertThat(debug(clone))
                .contains(" s] app: walking its context (git does not track 'app/new.txt', which the context"
                        + " holds)");
        Path emptyFolder = freshClone("empty-folder");
        Files.createDirectories(emptyFolder.resolve("shared/empty"));
        assertThat(knownIn(emptyFolder)).as("an empty folder is an entry").containsExactly("outside");
    }

    @Test
    void modifiedFilesAreWalkedEvenWhenGitIsToldNotToLook() throws Exception {
        Path modified = freshClone("modified");
        Files.writeString(modified.resolve("app/a.txt"), "edited\n");
        assertThat(knownIn(modified)).containsExactly("outside");
        assertThat(debug(modified)).contains(" s] app: walking its context ('app/a.txt' is modified)");

        Path assumed = freshClone("assumed");
        git(assumed, "update-index", "--assume-unchanged", "app/a.txt");
        Files.writeString(assumed.resolve("app/a.txt"), "edited where git does not look\n");
        assertThat(knownIn(assumed)).as("assume-unchanged").containsExactly("outside");

        Path staged = freshClone("staged");
        new TestTree(staged).file("svc/staged.txt", "staged\n");
        git(staged, "add", "svc/staged.txt");
        // whole excludes svc, but its key names every tracked file under its folder, excluded ones too.
        assertThat(knownIn(staged)).as("a staged file is in the key").containsExactly("app");
    }

    @Test
    void execBitsAndSymlinksCountOnlyWhereGitWatchesThem() throws Exception {
        Path retargeted = freshClone("retargeted");
        Files.delete(retargeted.resolve("shared/link"));
        Files.createSymbolicLink(retargeted.resolve("shared/link"), Path.of("other.txt"));
        assertThat(knownIn(retargeted)).as("a symlink's target").containsExactly("outside");

        Path noFileMode = freshClone("no-file-mode");
        git(noFileMode, "config", "core.fileMode", "false");
        Files.setPosixFilePermissions(noFileMode.resolve("svc/kept.txt"), PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(knownIn(noFileMode))
                .as("core.fileMode=false: git does not see exec bits")
                .isEmpty();
    }

    @Test
    void ignoreRulesOutsideTheContextAndTheConfigAreInTheKey() throws Exception {
        Path rules = freshClone("rules");
        Files.writeString(rules.resolve("docker/outside.Dockerfile.dockerignore"), "kept.txt\n");
        // whole holds the edited file itself (tracked, modified).
        assertThat(knownIn(rules)).containsExactly("app");

        Path config = freshClone("config");
        Files.writeString(
                config.resolve("deja.yaml"),
                Files.readString(config.resolve("deja.yaml"))
                        .replace("include: [shared]", "include: [shared], exclude: [a.txt]"));
        assertThat(knownIn(config)).containsExactly("outside");
    }

    @Test
    void aProjectInASubfolderOfItsCheckoutKnowsItsStatesToo() throws Exception {
        Path repo = tmp.resolve("monorepo");
        new TestTree(repo)
                .file("tools/deja/deja.yaml", "bases: ignore\nimages:\n  app: {dockerfile: app/Dockerfile}\n")
                .file("tools/deja/app/Dockerfile", "FROM scratch\nCOPY . /\n")
                .file("tools/deja/app/a.txt", "a\n")
                .file("elsewhere.txt", "outside the project\n");
        git(repo, "init", "-q", "-b", "main");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "import");
        new TestTree(repo).file("untracked-outside-the-project.txt", "x\n");
        Path cache = tmp.resolve("subfolder-cache");
        Path start = repo.resolve("tools/deja/app");
        String walked = checkouts.state(start, null);
        assertThat(checkouts.state(start, cache)).isEqualTo(walked);
        Run known = Run.withEnvironment(checkouts.env(cache), "-C", start.toString(), "state", "--offline", "--debug");
        assertThat(known.stdout()).isEqualTo(walked);
        assertThat(known.stderr()).contains(" s] app: state known without walking its context");
    }

    @Test
    void aStateKnownWithoutWalkingIsCheckedWhenItsFilesAreWalked() throws Exception {
        Path clone = freshClone("checked");
        Run run = Run.withEnvironment(
                checkouts.env(carried("checked")), "-C", clone.toString(), "context", "app", "--list");
        assertThat(run.code()).isNotZero();
        assertThat(run.stderr()).contains("changed while deja ran").contains(FAKE.tag());
    }

    /**
     * {@code deja check} (and {@code plan}, which runs it) on states known without walking: what the check of each
     * image's sources found is remembered with its state, so a clean clone checks without walking. Proved with a
     * doctored cache that says every image's first source is absent; a check of other sources is not taken.
     */
    @Test
    void aCheckOfTheSourcesIsKnownWithTheStateForTheSameSources() throws Exception {
        Path cache = tmp.resolve("check-cache");
        Run first = Run.withEnvironment(checkouts.env(cache), "-C", origin.toString(), "check");
        assertThat(first.code()).as(first.stderr()).isZero();
        DigestCache checked = DigestCache.open(cache.resolve("digests.bin"));
        assertThat(checked.knownStates().values()).hasSize(3).allSatisfy(known -> assertThat(known.sources())
                .hasValueSatisfying(sources -> assertThat(sources.absent()).isEmpty()));

        Path clone = freshClone("check");
        Run doctored = Run.withEnvironment(
                checkouts.env(doctoredSources(cache, "same", true)), "-C", clone.toString(), "check", "--debug");
        assertThat(doctored.code()).isNotZero();
        assertThat(doctored.stdout())
                .contains("app/Dockerfile:2: image 'app': COPY source '.' is not in its context (app/)")
                .contains(
                        "whole.Dockerfile:2: image 'whole': COPY source '.' is not in its context (the project root)");
        assertThat(doctored.stderr()).contains(" s] app: state known without walking its context");

        Run otherSources = Run.withEnvironment(
                checkouts.env(doctoredSources(cache, "other", false)), "-C", clone.toString(), "check");
        assertThat(otherSources.code()).as(otherSources.stdout()).isZero();
    }

    /**
     * A copy of {@code cache} whose every known state's check says its first source is absent: for the same sources
     * as were checked ({@code sameSources}), or for others.
     */
    private Path doctoredSources(Path cache, String name, boolean sameSources) throws Exception {
        Path copy = Files.createDirectories(tmp.resolve("sources-" + name));
        Files.copy(cache.resolve("digests.bin"), copy.resolve("digests.bin"));
        DigestCache doctored = DigestCache.open(copy.resolve("digests.bin"));
        doctored.knownStates()
                .forEach((key, known) -> doctored.record(
                        key,
                        known.withSources(new KnownState.CheckedSources(
                                sameSources ? known.sources().orElseThrow().digest() : "0".repeat(64), List.of(0)))));
        doctored.save();
        return copy;
    }

    /**
     * Whatever happens to a messy checkout, a state from the cache (known or walked) is the state the files give:
     * each step below changes the tree, then deja runs twice with the cache (the second run may know the states
     * without walking) and once without it, and all three must agree.
     */
    @Test
    void aMessyCheckoutGivesTheSameStatesWithTheCacheWhateverHappensToIt() throws Exception {
        Path repo = freshClone("messy");
        Path cache = tmp.resolve("messy-cache");
        List<String> done = new ArrayList<>();
        Map<String, ThrowingStep> steps = new java.util.LinkedHashMap<>();
        steps.put("nothing", () -> {});
        steps.put("an untracked file the rules leave out", () -> write(repo, "app/trace.log", "x\n"));
        steps.put("an untracked file the context holds", () -> write(repo, "app/notes.txt", "notes\n"));
        steps.put("it committed", () -> commit(repo));
        steps.put("an empty folder", () -> Files.createDirectories(repo.resolve("svc/empty/deeper")));
        steps.put("a nested repository", () -> {
            write(repo, "shared/vendor/lib.txt", "vendored\n");
            git(repo.resolve("shared/vendor"), "init", "-q");
            commit(repo.resolve("shared/vendor"));
        });
        steps.put("names with a space, a newline and an accent", () -> {
            write(repo, "app/with space.txt", "space\n");
            write(repo, "app/line\nbreak.txt", "newline\n");
            write(repo, "app/caf\u00e9.txt", "accent\n");
        });
        steps.put("all of it committed (the nested repository as a gitlink)", () -> commit(repo));
        steps.put("a tracked file edited", () -> write(repo, "svc/kept.txt", "kept, edited\n"));
        steps.put(
                "an exec bit",
                () -> Files.setPosixFilePermissions(
                        repo.resolve("app/a.txt"), PosixFilePermissions.fromString("rwxr-xr-x")));
        steps.put("both committed", () -> commit(repo));
        // The index ahead of the commit, the work tree as the index: the commit's trees no longer name the files.
        steps.put("an edit staged", () -> {
            write(repo, "app/a.txt", "edited and staged\n");
            git(repo, "add", "app/a.txt");
        });
        steps.put("a file removed with git rm", () -> git(repo, "rm", "-q", "svc/kept.txt"));
        steps.put("a file renamed with git mv", () -> git(repo, "mv", "svc/ignored.txt", "svc/renamed.txt"));
        steps.put("the three committed", () -> commit(repo));
        steps.put("a re-include rule and an untracked file it takes back", () -> {
            write(repo, "app/.dockerignore", "node_modules\n*.log\n!keep.log\n");
            write(repo, "app/keep.log", "kept log\n");
            write(repo, "app/drop.log", "dropped log\n");
        });
        steps.put("a symlink retargeted and committed", () -> {
            Files.delete(repo.resolve("shared/link"));
            Files.createSymbolicLink(repo.resolve("shared/link"), Path.of("other.txt"));
            commit(repo);
        });
        steps.put("a tracked file deleted", () -> Files.delete(repo.resolve("shared/other.txt")));
        steps.put("a file staged, then edited again", () -> {
            git(repo, "add", "-A");
            write(repo, "svc/kept.txt", "kept, edited twice\n");
        });
        steps.put("a commit and a clean checkout of the first commit", () -> {
            commit(repo);
            git(repo, "checkout", "-q", "HEAD~3");
        });
        // Where the second run knows states without walking (the rest are walked): proved with a doctored copy.
        // After that, the nested repository (a gitlink under shared/, which app includes and whole holds) and the
        // empty folders under svc/ (entries git cannot track) keep every image walked.
        Map<String, List<String>> known = Map.of(
                "it committed", List.of("app", "outside", "whole"),
                "an empty folder", List.of("app", "whole"));
        for (Map.Entry<String, ThrowingStep> step : steps.entrySet()) {
            step.getValue().run();
            done.add(step.getKey());
            Map<String, String> walked = states(repo, null);
            assertThat(states(repo, cache)).as("after: " + done).isEqualTo(walked);
            assertThat(states(repo, cache)).as("again, after: " + done).isEqualTo(walked);
            if (known.containsKey(step.getKey())) {
                assertThat(knownFrom(repo, cache)).as("known after: " + done).isEqualTo(known.get(step.getKey()));
            }
        }
    }

    /** The images whose states a doctored copy of {@code cache} gives in {@code repo}. */
    private List<String> knownFrom(Path repo, Path cache) throws Exception {
        Path copy = Files.createTempDirectory(tmp, "doctored-");
        Files.copy(cache.resolve("digests.bin"), copy.resolve("digests.bin"));
        DigestCache poisoned = DigestCache.open(copy.resolve("digests.bin"));
        poisoned.knownStates().forEach((key, state) -> poisoned.record(key, new KnownState(FAKE, 1, 1)));
        poisoned.save();
        List<String> known = new ArrayList<>();
        states(repo, copy).forEach((image, tag) -> {
            if (tag.equals(FAKE.tag())) {
                known.add(image);
            }
        });
        return known.stream().sorted().toList();
    }

    private interface ThrowingStep {
        void run() throws Exception;
    }

    private static void write(Path repo, String path, String content) throws java.io.IOException {
        Files.createDirectories(repo.resolve(path).getParent());
        Files.writeString(repo.resolve(path), content);
    }

    private void commit(Path repo) throws Exception {
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "--allow-empty", "-m", "step");
    }
}
