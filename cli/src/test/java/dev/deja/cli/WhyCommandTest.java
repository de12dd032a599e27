package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import dev.deja.registry.TestRegistries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deja why --against REV}: the state at a commit, from git's objects, compared with the working tree's.
 * base <- mid <- top; top has an arg and a .dockerignore. Four commits: the first, a change to top's file, a change
 * to mid's, a change to top's arg.
 */
class WhyCommandTest {

    @TempDir
    Path tmp;

    private Sandbox sandbox;
    private TestTree repo;

    @BeforeEach
    void commits() throws Exception {
        sandbox = Sandbox.classicEngine(tmp.resolve("home"));
        String registry = TestRegistries.namespace(TestRegistries.require().plain(), "why");
        repo = new TestTree(tmp.resolve("repo"))
                .file("deja.yaml", config(registry, "fast"))
                .file("base/Dockerfile", "FROM deja-busybox:latest\nCOPY motd /etc/motd\n")
                .file("base/motd", "hello\n")
                .file("mid/Dockerfile", "FROM base\nCOPY lib /lib\n")
                .file("mid/lib/x.sh", "echo x\n")
                .file("top/Dockerfile", "FROM mid\nARG MODE\nCOPY . /app\n")
                .file("top/.dockerignore", "*.log\n")
                .file("top/main.sh", "echo main\n")
                .file("top/run.sh", "echo run\n");
        sandbox.gitInit(repo.root());
        repo.file("top/main.sh", "echo main, changed\n");
        sandbox.commit(repo.root());
        repo.file("mid/lib/x.sh", "echo x, changed\n");
        sandbox.commit(repo.root());
        repo.file("deja.yaml", config(registry, "slow"));
        sandbox.commit(repo.root());
    }

    private static String config(String registry, String mode) {
        return "registry: " + registry + "\nimages:\n  base: {dockerfile: base/Dockerfile}\n"
                + "  mid: {dockerfile: mid/Dockerfile}\n"
                + "  top: {dockerfile: top/Dockerfile, args: {MODE: " + mode + "}}\n";
    }

    private String why(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "why";
        System.arraycopy(args, 0, all, 1, args.length);
        Run run = sandbox.deja(repo.root(), all);
        assertThat(run.code()).as(run.stderr()).isZero();
        return run.stdout();
    }

    @Test
    void aComposeProjectWithoutDejaYamlIsComparedWithACommitToo() throws Exception {
        TestTree compose = new TestTree(tmp.resolve("compose"))
                .file("compose.yaml", "services:\n  app:\n    build: ./app\n")
                .file("app/Dockerfile", "FROM deja-busybox:latest\nCOPY . /app\n")
                .file("app/main.sh", "echo main\n");
        sandbox.gitInit(compose.root());
        compose.file("app/main.sh", "echo main, changed\n");
        // From a folder below the project root: the commit's tree is searched for the compose file the same way.
        Run run = sandbox.deja(compose.path("app"), "why", "app", "--against", "HEAD");
        assertThat(run.code()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("differs from revision").contains("  file changed (content): main.sh\n");
    }

    @Test
    void oneFileChangedAndAnIgnoredOneChangesNothing() throws Exception {
        repo.file("top/debug.log", "only ignored\n");
        assertThat(why("top", "--against", "HEAD")).contains("the same state as revision");
        repo.file("top/main.sh", "echo main, changed again\n");
        assertThat(why("top", "--against", "HEAD"))
                .contains("differs from revision")
                .contains("  file changed (content): main.sh\n")
                .doesNotContain("debug.log")
                .doesNotContain("parent");
    }

    @Test
    void anArgChangedAndAnExecBit() throws Exception {
        assertThat(why("top", "--against", "HEAD~1")).contains("build arg MODE changed: fast -> slow");
        Files.setPosixFilePermissions(repo.path("top/run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(why("top", "--against", "HEAD")).contains("file changed (exec bit): run.sh");
    }

    @Test
    void aGrandparentChangeIsExplainedThroughItsChild() throws Exception {
        repo.file("base/motd", "hello, changed\n");
        String why = why("top", "--against", "HEAD");
        assertThat(why)
                .contains("\n  parent mid changed (")
                .contains("\n    parent base changed (")
                .contains("\n      file changed (content): motd\n");
        assertThat(why("top", "--against", "HEAD", "--json"))
                .contains("\"reason\" : \"parent mid changed\"")
                .contains("\"text\" : \"parent mid changed because parent base changed\"");
    }

    @Test
    void againstThreeCommitsBackEveryChangeSince() throws Exception {
        assertThat(why("top", "--against", "HEAD~3"))
                .contains("  file changed (content): main.sh\n")
                .contains("  build arg MODE changed: fast -> slow\n")
                .contains("  parent mid changed (")
                .contains("    file changed (content): lib/x.sh\n");
        assertThat(why("mid", "--against", "HEAD~3"))
                .contains("file changed (content): lib/x.sh")
                .doesNotContain("main.sh");
    }

    @Test
    void anImageWithNoEarlierStateSaysSo() throws Exception {
        repo.file("deja.yaml", repo.read("deja.yaml") + "  fresh: {dockerfile: fresh/Dockerfile}\n")
                .file("fresh/Dockerfile", "FROM top\n");
        assertThat(why("fresh", "--against", "HEAD"))
                .contains("fresh s1-")
                .contains("no earlier state of fresh anywhere");
        assertThat(why("top")).as("the registry has no image of it yet").contains("no earlier state of top anywhere");
    }

    @Test
    void aRevisionGitDoesNotKnowIsAOneLineError() {
        Run run = sandbox.deja(repo.root(), "why", "top", "--against", "no-such-branch");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.stderr())
                .isEqualTo("deja: error: --against no-such-branch: neither a state tag (s1-…) nor a revision git"
                        + " knows here\n");
    }
}
