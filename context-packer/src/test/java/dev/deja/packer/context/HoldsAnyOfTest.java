package dev.deja.packer.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HoldsAnyOfTest {

    @TempDir
    Path tmp;

    @Test
    void whatTheContextFolderKeepsAndNothingARootContextLeavesOut() {
        TestTree tree = new TestTree(tmp).file("Dockerfile", "FROM scratch\n").file(".dockerignore", "*.log\n");
        ContextSpec root = new ContextSpec(
                tree.root(), "", "Dockerfile", List.of(), List.of(), Set.of(".git", ".deja-cache"), List.of());
        assertThat(ContextCollector.holdsAnyOf(root, "src/main.c")).isTrue();
        assertThat(ContextCollector.holdsAnyOf(root, "debug.log")).isFalse();
        assertThat(ContextCollector.holdsAnyOf(root, ".deja-cache/digests.bin")).isFalse();
        assertThat(ContextCollector.holdsAnyOf(root, ".git/index")).isFalse();
        ContextSpec app = new ContextSpec(tree.root(), "app", "Dockerfile", List.of(), List.of());
        assertThat(ContextCollector.holdsAnyOf(app, "app/.deja-cache/x")).isTrue();
        assertThat(ContextCollector.holdsAnyOf(app, "lib/x.c")).isFalse();
    }
}
