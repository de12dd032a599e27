package dev.deja.packer.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deja.packer.InputException;
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

    private static List<String> collected(TestTree tree, String context, String dockerfile, List<String> includes) {
        return paths(ContextCollector.collect(
                new ContextSpec(tree.root(), context, dockerfile, includes, List.of()), DOCKERFILE));
    }

    private static List<String> paths(PackedContext context) {
        return context.entries().stream()
                .map(entry -> entry.path() + (entry.type() == EntryType.DIRECTORY ? "/" : ""))
                .toList();
    }

    @Test
    void aPlainWalkListsWhatItFinds() {
        TestTree tree =
                new TestTree(tmp).file("app/Dockerfile", "FROM scratch\n").file("app/src/a.c", "a\n");
        assertThat(collected(tree, "app", "app/Dockerfile", List.of()))
                .containsExactly("Dockerfile", "src/", "src/a.c");
    }

    /**
     * A name Java cannot spell (here not UTF-8; under a POSIX locale any non-ASCII one) would reach the builder under
     * another name: refused, saying what to do; left out by the rules, it is no matter.
     */
    @Test
    void aNameJavaCannotSpellIsRefusedUnlessLeftOut() throws Exception {
        TestTree tree =
                new TestTree(tmp).file("app/Dockerfile", "FROM scratch\n").file("app/src/a.c", "a\n");
        Process touch = new ProcessBuilder("sh", "-c", "touch \"$(printf 'app/src/lat\\357n1.txt')\"")
                .directory(tree.root().toFile())
                .inheritIO()
                .start();
        assertThat(touch.waitFor()).isZero();
        boolean utf8 = "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"));
        assertThatThrownBy(() -> collected(tree, "app", "app/Dockerfile", List.of()))
                .isInstanceOf(InputException.class)
                .satisfies(e -> assertThat(
                                ((InputException) e).file().orElseThrow().toString())
                        .contains("app/src/lat"))
                .hasMessageContaining(utf8 ? "its name is not valid UTF-8" : "this process's locale cannot spell it");
        assertThat(paths(ContextCollector.collect(
                        new ContextSpec(tree.root(), "app", "app/Dockerfile", List.of(), List.of("src/lat*")),
                        DOCKERFILE)))
                .containsExactly("Dockerfile", "src/", "src/a.c");
    }

    @Test
    void aFolderExcludedButEnteredForAnExceptionIsListed() {
        TestTree tree = new TestTree(tmp)
                .file("app/Dockerfile", "FROM scratch\n")
                .file("app/.dockerignore", "docs\n!docs/keep.md\n")
                .file("app/docs/keep.md", "k\n")
                .file("app/docs/drop.md", "d\n");
        assertThat(collected(tree, "app", "app/Dockerfile", List.of()))
                .containsExactly(".dockerignore", "Dockerfile", "docs/", "docs/keep.md");
    }

    @Test
    void theFoldersOfADockerfileTheRulesExcludeAreListed() {
        TestTree tree = new TestTree(tmp)
                .file("build/docker/Dockerfile", "FROM scratch\n")
                .file(".dockerignore", "build\n")
                .file("main.c", "m\n");
        assertThat(collected(tree, "", "build/docker/Dockerfile", List.of()))
                .containsExactly(".dockerignore", "build/", "build/docker/", "build/docker/Dockerfile", "main.c");
    }

    @Test
    void theFoldersAboveAnIncludeAreListedAndAFolderReachedTwiceIsOne() {
        TestTree tree = new TestTree(tmp)
                .file("app/Dockerfile", "FROM scratch\n")
                .file("app/lib/own.c", "o\n")
                .file("lib/shared/s.c", "s\n");
        assertThat(collected(tree, "app", "app/Dockerfile", List.of("lib/shared")))
                .containsExactly("Dockerfile", "lib/", "lib/own.c", "lib/shared/", "lib/shared/s.c");
    }
}
