package dev.deja.packer.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every folder that holds an entry is an entry, once, whichever way the entry came in. */
class CollectTest {

    private static final byte[] DOCKERFILE = "FROM scratch\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    private static List<String> paths(PackedContext context) {
        return context.entries().stream()
                .map(entry -> entry.path() + (entry.type() == EntryType.DIRECTORY ? "/" : ""))
                .toList();
    }

    @Test
    void aPlainWalkListsWhatItFinds() {
        TestTree tree =
                new TestTree(tmp).file("app/Dockerfile", "FROM scratch\n").file("app/src/a.c", "a\n");
        PackedContext context = ContextCollector.collect(
                new ContextSpec(tree.root(), "app", "app/Dockerfile", List.of(), List.of()), DOCKERFILE);
        assertThat(paths(context)).containsExactly("Dockerfile", "src/", "src/a.c");
    }

    @Test
    void aFolderExcludedButEnteredForAnExceptionIsListed() {
        TestTree tree = new TestTree(tmp)
                .file("app/Dockerfile", "FROM scratch\n")
                .file("app/.dockerignore", "docs\n!docs/keep.md\n")
                .file("app/docs/keep.md", "k\n")
                .file("app/docs/drop.md", "d\n");
        PackedContext context = ContextCollector.collect(
                new ContextSpec(tree.root(), "app", "app/Dockerfile", List.of(), List.of()), DOCKERFILE);
        assertThat(paths(context)).containsExactly(".dockerignore", "Dockerfile", "docs/", "docs/keep.md");
    }

    @Test
    void theFoldersOfADockerfileTheRulesExcludeAreListed() {
        TestTree tree = new TestTree(tmp)
                .file("build/docker/Dockerfile", "FROM scratch\n")
                .file(".dockerignore", "build\n")
                .file("main.c", "m\n");
        PackedContext context = ContextCollector.collect(
                new ContextSpec(tree.root(), "", "build/docker/Dockerfile", List.of(), List.of()), DOCKERFILE);
        assertThat(paths(context))
                .containsExactly(".dockerignore", "build/", "build/docker/", "build/docker/Dockerfile", "main.c");
    }

    @Test
    void theFoldersAboveAnIncludeAreListedAndAFolderReachedTwiceIsOne() {
        TestTree tree = new TestTree(tmp)
                .file("app/Dockerfile", "FROM scratch\n")
                .file("app/lib/own.c", "o\n")
                .file("lib/shared/s.c", "s\n");
        PackedContext context = ContextCollector.collect(
                new ContextSpec(tree.root(), "app", "app/Dockerfile", List.of("lib/shared"), List.of()), DOCKERFILE);
        assertThat(paths(context)).containsExactly("Dockerfile", "lib/", "lib/own.c", "lib/shared/", "lib/shared/s.c");
    }
}
