package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkout's root: what a root context holds, how {@code context --list} shows it, git's refusal. */
class ContextListTest {

    @TempDir
    Path tmp;

    private TestTree repo() throws Exception {
        TestTree tree = new TestTree(tmp.resolve("repo"))
                .file(
                        "deja.yaml",
                        "images:\n  root:\n    dockerfile: Dockerfile\n    context: .\n  other:\n"
                                + "    dockerfile: other/Dockerfile\n")
                .file("Dockerfile", "FROM alpine\nCOPY . /src\n")
                .file("other/Dockerfile", "FROM alpine\n")
                .file("src/a.txt", "a\n")
                .file("src/odd\tname\u0001.txt", "odd\n");
        Sandbox.gitInitOnly(tree.root());
        return tree;
    }

    @Test
    void controlCharactersAreEscapedAndWhatIsLeftOutIsSaid() throws Exception {
        TestTree tree = repo();
        Run list = Run.of("-C", tree.root().toString(), "context", "root", "--list");
        assertThat(list.code()).as(list.stderr()).isZero();
        assertThat(list.stdout())
                .contains("src/odd\\tname\\x01.txt")
                .doesNotContain("\u0001")
                .doesNotContain("  deja.yaml\n")
                .contains(
                        "# left out of the context at the project root: .deja-cache, .git, compose.deja.yaml, deja.lock,"
                                + " deja.yaml");
    }

    @Test
    void editingDejaYamlForOneImageLeavesTheRootContextImageAlone() throws Exception {
        TestTree tree = repo();
        Run before = Run.of("-C", tree.root().toString(), "state", "--offline");
        tree.file("deja.yaml", tree.read("deja.yaml") + "    args: {MODE: debug}\n");
        Run after = Run.of("-C", tree.root().toString(), "state", "--offline");
        assertThat(before.code()).isZero();
        assertThat(after.code()).as(after.stderr()).isZero();
        String rootBefore = before.stdout()
                .lines()
                .filter(l -> l.startsWith("root "))
                .findFirst()
                .orElseThrow();
        String otherBefore = before.stdout()
                .lines()
                .filter(l -> l.startsWith("other "))
                .findFirst()
                .orElseThrow();
        assertThat(after.stdout()).contains(rootBefore).doesNotContain(otherBefore);
    }

    /** As root in a checkout another user owns (a CI container), git refuses: deja says so in git's words. */
    @Test
    void gitsRefusalOfTheCheckoutIsSaidInItsWords() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to give the checkout away");
        TestTree tree = new TestTree(tmp.resolve("theirs")).file("app/Dockerfile", "FROM alpine\n");
        Sandbox.gitInitOnly(tree.root());
        new ProcessBuilder("chown", "-R", "65534:65534", tree.root().toString())
                .start()
                .waitFor();
        Run plan = Run.of("-C", tree.root().toString(), "plan", "--offline");
        assertThat(plan.code()).isEqualTo(2);
        assertThat(plan.stderr().lines()).hasSize(1);
        assertThat(plan.stderr())
                .contains("git refuses this checkout")
                .contains("dubious ownership")
                .contains("safe.directory");
    }
}
