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

    /**
     * One walk serves every image whose key is the same: placed for each, it is what collecting that image's context
     * alone gives, its own Dockerfile the one sent and the others files. A Dockerfile-specific ignore file makes another
     * key.
     */
    @Test
    void aWalkMadeForOneImageIsPlacedForAnotherWithTheSameKey() {
        TestTree tree = new TestTree(tmp)
                .file(".dockerignore", "*.md\n")
                .file("README.md", "left out\n")
                .file("lib/a.c", "a\n")
                .file("svc/api/Dockerfile", "FROM scratch\n")
                .file("svc/web/Dockerfile", "FROM scratch\n")
                .file("svc/tool/Dockerfile", "FROM scratch\n")
                .file("svc/tool/Dockerfile.dockerignore", "lib\n");
        ContextSpec api = new ContextSpec(tree.root(), ".", "svc/api/Dockerfile", List.of(), List.of());
        ContextSpec web = new ContextSpec(tree.root(), ".", "svc/web/Dockerfile", List.of(), List.of());
        ContextSpec tool = new ContextSpec(tree.root(), ".", "svc/tool/Dockerfile", List.of(), List.of());
        assertThat(ContextCollector.walkKey(api)).isEqualTo(ContextCollector.walkKey(web));
        assertThat(ContextCollector.walkKey(tool)).isNotEqualTo(ContextCollector.walkKey(api));

        ContextCollector.Walk walkedForWeb = ContextCollector.walk(web, entry -> {});
        PackedContext placed = ContextCollector.place(api, walkedForWeb, DOCKERFILE);
        PackedContext alone = ContextCollector.collect(api, DOCKERFILE);
        assertThat(placed).usingRecursiveComparison().isEqualTo(alone);
        assertThat(paths(placed)).doesNotContain("README.md").contains("lib/a.c", "svc/web/Dockerfile");
        assertThat(placed.entries().stream()
                        .filter(entry -> entry.generated() != null)
                        .map(ContextEntry::path))
                .containsExactly("svc/api/Dockerfile");
    }
}
