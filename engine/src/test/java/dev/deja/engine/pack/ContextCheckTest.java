package dev.deja.engine.pack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Whether a COPY source names something the packed context holds, with BuildKit's wildcards. */
class ContextCheckTest {

    private static final List<String> PATHS = List.of(
            "go.mod",
            "packages/a/package.json",
            "packages/a/src/index.ts",
            "packages/b/deep/er/package.json",
            "package.json",
            "docs/[draft].md");

    @Test
    void sourcesMatchAsBuildKitMatchesThem() {
        assertThat(ContextCheck.present("go.mod", PATHS)).isTrue();
        assertThat(ContextCheck.present("./packages/", PATHS)).isTrue();
        assertThat(ContextCheck.present("packages/*/package.json", PATHS)).isTrue();
        assertThat(ContextCheck.present("packages/*/*.json", PATHS)).isTrue();
        assertThat(ContextCheck.present("packages/?/src", PATHS)).isTrue();
        assertThat(ContextCheck.present("go.su[mn]", PATHS)).isFalse();
        assertThat(ContextCheck.present("*.lock", PATHS)).isFalse();
        // One star stays in its folder.
        assertThat(ContextCheck.present("packages/*/er/package.json", PATHS)).isFalse();
    }

    @Test
    void twoStarsCrossFoldersZeroOrMore() {
        assertThat(ContextCheck.present("packages/**/er/package.json", PATHS)).isTrue();
        assertThat(ContextCheck.present("**/package.json", PATHS)).isTrue();
        assertThat(ContextCheck.present("packages/**/package.json", PATHS)).isTrue();
        assertThat(ContextCheck.present("packages/**", PATHS)).isTrue();
        assertThat(ContextCheck.present("**/go.mod", PATHS)).isTrue();
        assertThat(ContextCheck.present("**/*.lock", PATHS)).isFalse();
        assertThat(ContextCheck.present("docs/**/*.txt", PATHS)).isFalse();
    }
}
