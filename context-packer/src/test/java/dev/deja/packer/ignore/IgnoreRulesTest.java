package dev.deja.packer.ignore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deja.packer.InputException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * .dockerignore semantics as BuildKit documents them (docs "Dockerignore files") and as moby/patternmatcher
 * implements them: Go filepath.Match syntax plus {@code **}, patterns cleaned, leading slash dropped, parent
 * folders matching for their content, {@code !} exceptions in order, the last match winning.
 */
class IgnoreRulesTest {

    static Stream<Arguments> table() {
        return Stream.of(
                // Documented examples.
                row("*/temp*", "somedir/temporary.txt", true),
                row("*/temp*", "somedir/temp", true),
                row("*/temp*", "temp", false),
                row("*/*/temp*", "somedir/subdir/temporary.txt", true),
                row("*/*/temp*", "somedir/temporary.txt", false),
                row("temp?", "tempa", true),
                row("temp?", "temp", false),
                row("temp?", "tempab", false),
                row("*.md\n!README.md", "README.md", false),
                row("*.md\n!README.md", "CHANGES.md", true),
                row("*.md\n!README*.md\nREADME-secret.md", "README-secret.md", true),
                row("*.md\n!README*.md\nREADME-secret.md", "README-public.md", false),
                row("*.md\nREADME-secret.md\n!README*.md", "README-secret.md", false),
                // ** matches any number of folders, zero included.
                row("**/*.go", "a/b/c.go", true),
                row("**/*.go", "c.go", true),
                row("**/*.go", "c.gox", false),
                row("**/foo", "bar/foo", true),
                row("**/foo", "foo", true),
                row("**/foo", "a/b/foo/c", true),
                row("**/node_modules", "packages/a/node_modules/x/index.js", true),
                row("foo/**", "foo/bar", true),
                row("foo/**", "foo", false),
                row("foo/**/bar", "foo/bar", true),
                row("foo/**/bar", "foo/x/y/bar", true),
                row("foo/**/bar", "foo/xbar", false),
                row("**", "a/b/c", true),
                // Cleaning: leading slash, trailing slash, ./ and .. are normalized like Go's filepath.Clean.
                row("/foo", "foo", true),
                row("foo/", "foo/bar", true),
                row("./foo", "foo", true),
                row("foo/../bar", "bar", true),
                row("  foo  ", "foo", true),
                // A pattern is anchored at the context root and matches whole paths, and parents match content.
                row("foo", "foo/bar/baz", true),
                row("foo", "bar/foo", false),
                row("docs/*.md", "docs/a.md", true),
                row("docs/*.md", "docs/sub/a.md", false),
                row(".git", ".git/config", true),
                row("*", "anything", true),
                row("*", "a/b", true),
                // * and ? never cross a slash.
                row("a*b", "axxb", true),
                row("a*b", "a/b", false),
                // Character classes and escapes.
                row("[abc].txt", "b.txt", true),
                row("[abc].txt", "d.txt", false),
                row("[a-c].txt", "b.txt", true),
                row("[^a].txt", "b.txt", true),
                row("[^a].txt", "a.txt", false),
                row("a\\*b", "a*b", true),
                row("a\\*b", "axb", false),
                // Regex metacharacters are literal.
                row("foo.bar", "fooxbar", false),
                row("file(1).txt", "file(1).txt", true),
                row("a+b", "a+b", true),
                // Comments: only lines starting with #.
                row("# comment\nfoo", "# comment", false),
                row("# comment\nfoo", "foo", true),
                // Exceptions re-include, in order; a later pattern wins again.
                row("dir\n!dir/keep", "dir/keep", false),
                row("dir\n!dir/keep", "dir/other", true),
                row("dir\n!dir/keep", "dir/keep/deep.txt", false),
                row("!foo", "foo", false),
                row("*.txt\n!important.txt\n*", "important.txt", true),
                row("! spaced.txt\n", "spaced.txt", false),
                row("*.txt\n! spaced.txt", "spaced.txt", false),
                // Empty rules exclude nothing.
                row("", "anything", false));
    }

    private static Arguments row(String patterns, String path, boolean excluded) {
        return Arguments.of(patterns.replace("\n", " | "), patterns, path, excluded);
    }

    @ParameterizedTest(name = "[{0}] on {2} -> excluded={3}")
    @MethodSource("table")
    void matchesLikeBuildKit(String label, String patterns, String path, boolean excluded) {
        IgnoreRules rules = IgnoreRules.parse(Path.of(".dockerignore"), patterns);
        assertThat(rules.excludes(path)).as("%s on %s", label, path).isEqualTo(excluded);
    }

    @Test
    void tableHasAtLeastFortyCases() {
        assertThat(table().count()).isGreaterThanOrEqualTo(40);
    }

    @Test
    void loneBangIsAnErrorWithItsLine() {
        assertThatThrownBy(() -> IgnoreRules.parse(Path.of(".dockerignore"), "foo\n!\n"))
                .isInstanceOf(InputException.class)
                .satisfies(e -> assertThat(((InputException) e).line()).isEqualTo(2))
                .hasMessageContaining("illegal exclusion pattern");
    }

    @Test
    void excludedFolderIsWalkedOnlyWhenAnExceptionCanReachBelowIt() {
        IgnoreRules rules = IgnoreRules.parse(Path.of(".dockerignore"), "node_modules\nbuild\n!build/keep.txt");
        assertThat(rules.mayReincludeBelow("node_modules")).isFalse();
        assertThat(rules.mayReincludeBelow("build")).isTrue();
        assertThat(IgnoreRules.parse(Path.of("x"), "a\n!**/keep").mayReincludeBelow("a"))
                .isTrue();
    }
}
