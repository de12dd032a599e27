package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deja.packer.TestTree;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job on the bundled example, for real: dockerd + buildx 0.13 + the registry. First run builds every
 * image in dependency order, the second reuses them all; a change rebuilds exactly the changed image and its
 * descendants; a failure skips the descendants and moves no branch tag.
 */
class BuildEndToEndTest {

    @TempDir
    Path tmp;

    private ExampleRepo example;
    private TestTree repo;
    private Map<String, String> env;
    private String prefix;

    @BeforeEach
    void setUp() throws Exception {
        example = ExampleRepo.create(tmp);
        repo = example.repo;
        env = example.env;
        prefix = example.prefix;
    }

    private String git(String... args) throws Exception {
        return example.git(args);
    }

    private String commit(String message) throws Exception {
        return example.commit(message);
    }

    private Run build(String... extra) {
        return example.build(extra);
    }

    /** {@code deja why IMAGE --against STATE}: the registry's image at that state tag. */
    private Run whyAgainst(String image, String state) {
        return Run.withEnvironment(
                env, "-C", repo.root().toString(), "--registry", example.prefix, "why", image, "--against", state);
    }

    private static Map<String, String> results(Run run) {
        return ExampleRepo.results(run);
    }

    private String digest(String image, String tag) {
        return example.digest(image, tag);
    }

    @Test
    void firstBuildsThenReusesThenRebuildsExactlyWhatChanged() throws Exception {
        Run first = build();
        assertThat(first.code()).as(first.stderr()).isZero();
        assertThat(results(first))
                .containsEntry("base", "built")
                .containsEntry("shared", "built")
                .containsEntry("service1", "built")
                .containsEntry("service2", "built")
                .containsEntry("admin", "built")
                .containsEntry("web", "built")
                .containsEntry("wheels", "exported");
        assertThat(first.stderr()).contains("[service1] ").contains("[base] ");
        assertThat(repo.path("dist/wheels/MANIFEST")).exists();
        assertThat(repo.path("dist/wheels/luamods.tar")).exists();
        String commit1 = git("rev-parse", "HEAD");
        String service1 = digest("service1", commit1);
        assertThat(service1)
                .startsWith("sha256:")
                .isEqualTo(digest("service1", "main"))
                .isEqualTo(digest("service1", "latest"));

        // Second run, new commit: nothing is built, every image gets the new commit's tag, digests unchanged.
        String commit2 = commit("nothing changed");
        Run second = build();
        assertThat(second.code()).as(second.stderr()).isZero();
        assertThat(results(second).entrySet())
                .allSatisfy(e -> assertThat(e.getValue()).isIn("reused", "exported"));
        assertThat(digest("service1", commit2)).isEqualTo(service1);
        assertThat(second.stderr()).doesNotContain("[service1] ").doesNotContain("[wheels] ");
        assertThat(second.stdout()).contains("up to date");
        assertThat(repo.read("dist/wheels/.deja-state")).startsWith("s1-");

        // A shared-library change rebuilds shared and its descendants only; the build takes cache from before.
        repo.file("shared/libs/lib/version.txt", "shared 1.0.1\n");
        commit("bump shared");
        Path report = tmp.resolve("report.json");
        Run third = build("--report", report.toString());
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertThat(json.path("succeeded").asBoolean()).isTrue();
        JsonNode sharedEntry = null;
        for (JsonNode image : json.path("images")) {
            if (image.path("name").asText().equals("shared")) {
                sharedEntry = image;
            }
        }
        assertThat(sharedEntry).isNotNull();
        assertThat(sharedEntry.path("result").asText()).isEqualTo("built");
        assertThat(sharedEntry.path("repository").asText()).isEqualTo(prefix + "/shared");
        assertThat(sharedEntry.path("cacheFrom").toString()).contains(prefix + "/shared:main");
        assertThat(sharedEntry.path("digest").asText()).startsWith("sha256:");
        assertThat(third.code()).as(third.stderr()).isZero();
        assertThat(results(third))
                .containsEntry("base", "reused")
                .containsEntry("admin", "reused")
                .containsEntry("shared", "built")
                .containsEntry("service1", "built")
                .containsEntry("service2", "built")
                .containsEntry("web", "built");

        // An ignored file changes nothing; an include-only folder rebuilds its one user.
        repo.file("service2/NOTES.md", "more notes\n");
        commit("notes");
        assertThat(results(build()).values()).doesNotContain("built");
        repo.file("src/lua/luamods/extra.lua", "return {}\n");
        commit("new lua module");
        Map<String, String> afterInclude = results(build());
        assertThat(afterInclude)
                .containsEntry("service1", "built")
                .containsEntry("service2", "reused")
                .containsEntry("shared", "reused")
                .containsEntry("web", "reused");
    }

    /**
     * With the digest cache on, as a CI job that carries it: a changed context is most likely built, so its files are
     * copied out while they are hashed and its build's context links them; the image built holds the changed file.
     */
    @Test
    void aChangedContextIsCopiedOutWhileHashedAndItsImageHoldsTheChange() throws Exception {
        env.put("DEJA_DIGEST_CACHE", tmp.resolve("digests").toString());
        Run first = build();
        assertThat(first.code()).as(first.stderr()).isZero();
        assertThat(first.stderr()).as("a cold cache guesses nothing").doesNotContain("most likely built");

        repo.file("shared/libs/lib/version.txt", "shared 2.0.0\n");
        String commit = commit("bump shared");
        Run changed = build("--debug");

        assertThat(changed.code()).as(changed.stderr()).isZero();
        assertThat(results(changed)).containsEntry("base", "reused").containsEntry("shared", "built");
        assertThat(changed.stderr())
                .contains("shared: its context is new to the digest cache (most likely built)")
                .containsPattern("shared: [0-9]+ files, [0-9.]+ MB copied out while they were hashed")
                .containsPattern("shared: context of .* of its files linked to the copies made while they were hashed")
                .doesNotContain("base: its context is new");
        assertThat(example.docker(
                        true, "run", "--rm", prefix + "/shared:" + commit, "cat", "/opt/shared/lib/version.txt"))
                .as("the image built, pulled from the registry (its pull's lines first)")
                .endsWith("\nshared 2.0.0\n");
    }

    @Test
    void anImageOfUncommittedFilesGetsItsStateTagButNotTheCommitsOrTheBranchs() throws Exception {
        Run first = build();
        assertThat(first.code()).as(first.stderr()).isZero();
        String commit = git("rev-parse", "HEAD");
        String admin = digest("admin", commit);
        String service2 = digest("service2", commit);
        assertThat(admin).startsWith("sha256:").isEqualTo(digest("admin", "main"));

        // Files git ignores (a build's artifacts, say: admin's context holds this one), files no context holds and
        // the builders' outputs (dist/, untracked here) count for nothing: every image gets the commit's tags.
        repo.file(".gitignore", "*.log\n");
        String clean = commit("ignore logs");
        repo.file("admin/debug.log", "ignored by git\n").file("README.draft", "in no context\n");
        Run again = build();
        assertThat(again.code()).as(again.stderr()).isZero();
        assertThat(again.stderr()).doesNotContain("not the commit's");
        assertThat(results(again)).containsEntry("admin", "built").containsEntry("service2", "reused");
        admin = digest("admin", ExampleRepo.states(again).get("admin"));
        assertThat(digest("admin", clean)).isEqualTo(admin).isEqualTo(digest("admin", "main"));
        assertThat(digest("service2", clean)).isEqualTo(service2);

        // An edit not committed: admin is built and pushed under its state tag; the commit and branch tags stay on
        // the commit's image, and the run says why.
        repo.file("admin/edited.txt", "not committed\n");
        Run dirty = build();
        assertThat(dirty.code()).as(dirty.stderr()).isZero();
        assertThat(results(dirty)).containsEntry("admin", "built").containsEntry("service2", "reused");
        String edited = digest("admin", ExampleRepo.states(dirty).get("admin"));
        assertThat(edited).startsWith("sha256:").isNotEqualTo(admin);
        assertThat(digest("admin", clean)).isEqualTo(admin);
        assertThat(digest("admin", "main")).isEqualTo(admin);
        assertThat(digest("admin", "latest")).isEqualTo(admin);
        assertThat(dirty.stderr())
                .contains("not the commit's, these images get their state tag but not " + clean + ", main, latest")
                .contains("\n  admin: 'admin/edited.txt' is not committed\n")
                .doesNotContain("  service2: ");
        assertThat(dirty.stdout()).contains("moving tags written: main, latest");
        // Its labels say so too: the commit checked out, and why the image is not that commit's.
        assertThat(example.labels("admin", ExampleRepo.states(dirty).get("admin")))
                .containsEntry("dev.deja.revision", clean)
                .containsEntry("dev.deja.uncommitted", "'admin/edited.txt' is not committed");
        assertThat(example.labels("admin", clean)).doesNotContainKey("dev.deja.uncommitted");
        // why, against that image, does not take its commit for its files.
        repo.file("admin/edited.txt", "edited again\n");
        Run why = whyAgainst("admin", ExampleRepo.states(dirty).get("admin"));
        assertThat(why.stdout() + why.stderr())
                .as(why.stderr())
                .contains("built at " + clean.substring(0, 12) + " from files that commit does not have"
                        + " ('admin/edited.txt' is not committed)");
        repo.file("admin/edited.txt", "not committed\n");

        // In a CI job what the pipeline adds before it builds is the commit's build: every tag is written.
        Map<String, String> ciEnv = new java.util.HashMap<>(env);
        ciEnv.put("CI", "true");
        Run inCi = Run.withEnvironment(ciEnv, example.buildArgs());
        assertThat(inCi.code()).as(inCi.stderr()).isZero();
        assertThat(inCi.stderr()).doesNotContain("not the commit's");
        assertThat(results(inCi)).containsEntry("admin", "reused");
        assertThat(digest("admin", clean)).isEqualTo(edited).isEqualTo(digest("admin", "main"));

        // Staged is not committed either; once committed, the same state is reused and gets the new commit's tags.
        git("add", "admin/edited.txt");
        Run staged = build("--dry-run");
        assertThat(staged.code()).as(staged.stderr()).isZero();
        assertThat(staged.stderr()).contains("\n  admin: 'admin/edited.txt' is not committed");
        String next = commit("admin edit");
        Run committed = build();
        assertThat(committed.code()).as(committed.stderr()).isZero();
        assertThat(results(committed)).containsEntry("admin", "reused");
        assertThat(committed.stderr()).doesNotContain("not the commit's");
        assertThat(digest("admin", next)).isEqualTo(edited).isEqualTo(digest("admin", "main"));
    }

    /**
     * An image built from uncommitted files whose commit came later (and was tagged with it on the next build): why
     * against it takes that commit's files and names the file that differs, instead of comparing folders.
     */
    @Test
    void whyFindsTheFilesOfAnUncommittedBuildInTheCommitTaggedWithIt() throws Exception {
        assertThat(build().code()).isZero();
        repo.file("admin/edited.txt", "not committed yet\n");
        Run dirty = build();
        assertThat(dirty.code()).as(dirty.stderr()).isZero();
        assertThat(dirty.stderr()).contains("\n  admin: 'admin/edited.txt' is not committed\n");
        String dirtyState = ExampleRepo.states(dirty).get("admin");
        String edited = digest("admin", dirtyState);
        String next = commit("admin edit");
        Run committed = build();
        assertThat(results(committed)).containsEntry("admin", "reused");
        assertThat(digest("admin", next)).isEqualTo(edited);

        repo.file("admin/edited.txt", "edited once more\n");
        Run why = whyAgainst("admin", dirtyState);
        assertThat(why.code()).as(why.stderr()).isZero();
        assertThat(why.stdout())
                .as(why.stderr())
                .contains("(the files of " + next.substring(0, 12) + ", whose tag it holds)")
                .contains("file changed (content): edited.txt")
                .doesNotContain("compared by folder");

        // An empty folder is in the context as BuildKit sends it, and no commit can hold it: not the commit's.
        repo.file("admin/edited.txt", "not committed yet\n");
        java.nio.file.Files.createDirectories(repo.root().resolve("admin/cache/empty"));
        Run withEmpty = build();
        assertThat(withEmpty.code()).as(withEmpty.stderr()).isZero();
        assertThat(results(withEmpty)).containsEntry("admin", "built");
        assertThat(withEmpty.stderr()).contains("\n  admin: 'admin/cache/' is not committed");
        assertThat(digest("admin", next)).isEqualTo(edited);
    }

    @Test
    void localModeBuildsIntoTheDaemonThenReusesWithoutAnyRegistry() throws Exception {
        repo.file("deja.yaml", repo.read("deja.yaml").replaceAll("(?m)^registry:.*\n", ""));
        commit("local mode");
        // Unique names: the daemon is shared by the tests.
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        repo.file(
                "deja.yaml",
                repo.read("deja.yaml")
                        .replaceAll(
                                "(?m)^  (base|shared|service1|service2|admin|web" + "|wheels):$", "  $1" + suffix + ":")
                        .replace("aliases: [acme/shared]", "aliases: [acme/shared, shared]"));
        repo.file("admin/Dockerfile", repo.read("admin/Dockerfile").replace("FROM base", "FROM base" + suffix));
        repo.file("web/Dockerfile", repo.read("web/Dockerfile").replace("FROM base", "FROM base" + suffix));
        repo.file(
                "shared/libs/Dockerfile",
                repo.read("shared/libs/Dockerfile").replace("FROM base", "FROM base" + suffix));
        repo.file(
                "docker/wheels/Dockerfile",
                repo.read("docker/wheels/Dockerfile").replace("FROM base", "FROM base" + suffix));
        commit("unique names");
        List<String> args = List.of("-C", repo.root().toString(), "build");
        Run first = Run.withEnvironment(env, "-C", repo.root().toString(), "--debug", "build");
        assertThat(first.code()).as(first.stdout() + first.stderr()).isZero();
        assertThat(results(first)).containsEntry("base" + suffix, "built").containsEntry("service1" + suffix, "built");
        // --debug shows each builder command and how long it ran, timed from the process's start.
        assertThat(first.stderr())
                .containsPattern(
                        "deja: debug: \\[\\d+\\.\\d\\d s\\] the docker CLI's buildx plugin is /\\S+/docker-buildx, run"
                                + " as itself \\(cache: inline: the builder's driver does not change the command\\)")
                // The plugin's own file runs the build, without the docker CLI in between.
                .containsPattern("\\] base" + suffix
                        + ": running /\\S+/cli-plugins/docker-buildx build --progress plain -f /\\S+/Dockerfile ")
                .containsPattern("\\] base" + suffix + ": docker-buildx build exited with 0 after \\d+\\.\\d\\d s");
        Run second = Run.withEnvironment(env, args.toArray(String[]::new));
        assertThat(second.code()).isZero();
        assertThat(results(second))
                .containsEntry("base" + suffix, "reused")
                .containsEntry("service1" + suffix, "reused")
                .containsEntry("web" + suffix, "reused");
        assertThat(second.stdout()).contains("moving tags written: latest");
        Run push = Run.withEnvironment(env, "-C", repo.root().toString(), "build", "--push");
        assertThat(push.code()).isEqualTo(2);
        assertThat(push.stderr()).contains("--push needs a registry");
    }

    @Test
    void developersPullWhatCiBuiltAndBuildTheRestLocally() throws Exception {
        assertThat(build().code()).isZero();
        Map<String, String> states = new HashMap<>();
        Run.withEnvironment(env, "-C", repo.root().toString(), "--registry", prefix, "state")
                .stdout()
                .lines()
                .forEach(l -> states.put(l.split(" ")[0], l.split(" ")[1]));
        Run pull = Run.withEnvironment(env, "-C", repo.root().toString(), "--registry", prefix, "pull");
        assertThat(pull.code()).as(pull.stderr()).isZero();
        assertThat(pull.stdout())
                .contains(prefix + "/service1:" + states.get("service1"))
                .contains("service1:latest");
        assertThat(docker("image", "inspect", prefix + "/service1:" + states.get("service1")))
                .isZero();

        // A local change: deja build (no flag: a developer's build) builds it into the daemon, pushes nothing.
        repo.file("service1/app.sh", "#!/bin/sh\necho changed locally\n");
        Run load = Run.withEnvironment(env, "-C", repo.root().toString(), "--registry", prefix, "build");
        assertThat(load.code()).as(load.stderr()).isZero();
        Map<String, String> results = results(load);
        assertThat(results).containsEntry("service1", "built").containsEntry("shared", "pulled");
        String newState = Run.withEnvironment(
                        env, "-C", repo.root().toString(), "--registry", prefix, "state", "service1")
                .stdout()
                .split(" ")[1]
                .strip();
        assertThat(docker("image", "inspect", prefix + "/service1:" + newState)).isZero();
        assertThat(digest("service1", newState)).as("nothing pushed").isEmpty();
    }

    private int docker(String... args) throws Exception {
        return example.docker(false, args).startsWith("exit ") ? 1 : 0;
    }

    @Test
    void aFailingImageSkipsItsDescendantsAndMovesNoBranchTag() throws Exception {
        assertThat(build().code()).isZero();
        String goodShared = digest("shared", "main");
        repo.file("shared/libs/Dockerfile", "FROM base\nRUN exit 3\n");
        commit("break shared");
        Run broken = build("--progress", "tty");
        assertThat(broken.code()).isEqualTo(1);
        // On a terminal: status lines redrawn in place, and the failed build's last lines kept on screen.
        assertThat(broken.stderr())
                .contains("\033[2K")
                .containsPattern("✗ shared +failed")
                .containsPattern("- service1 +skipped .*parent shared failed")
                .contains("--- shared: the last lines of its build ---")
                .contains("[shared] ")
                .contains("exit code: 3");
        Map<String, String> results = results(broken);
        assertThat(results)
                .containsEntry("shared", "failed")
                .containsEntry("service1", "skipped")
                .containsEntry("service2", "skipped")
                .containsEntry("web", "skipped")
                .containsEntry("base", "reused")
                .containsEntry("admin", "reused");
        assertThat(broken.stdout()).contains("parent shared failed").contains("not written");
        assertThat(broken.stdout().lines().filter(line -> line.startsWith("shared ")))
                .as("the failed build's time is how long it ran, not nothing")
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .containsPattern(" (0\\.[1-9]|[1-9][0-9]*\\.[0-9])s ")
                .as("its reason is the builder's own error line")
                .contains("exited with 1: ")
                .contains("exit code: 3");
        assertThat(digest("shared", "main")).isEqualTo(goodShared);
        // The images that did not fail got the new commit's tag.
        assertThat(digest("base", git("rev-parse", "HEAD"))).isNotEmpty();
    }
}
