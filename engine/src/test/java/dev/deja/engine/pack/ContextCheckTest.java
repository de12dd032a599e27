package dev.deja.engine.pack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.context.ContextCollector;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Whether a COPY source names something the packed context holds, with BuildKit's wildcards. */
class ContextCheckTest {

    /** As a context lists them: sorted by their UTF-8 bytes ("packages-lock.json" between "packages" and below it). */
    private static final List<String> PATHS = Stream.of(
                    "go.mod",
                    "packages/a/package.json",
                    "packages/a/src/index.ts",
                    "packages/b/deep/er/package.json",
                    "packages-lock.json",
                    "package.json",
                    "docs/[draft].md")
            .sorted(ContextCollector::compareUtf8)
            .toList();

    @Test
    void sourcesMatchAsBuildKitMatchesThem() {
        assertThat(ContextCheck.present("go.mod", PATHS)).isTrue();
        assertThat(ContextCheck.present("packages", PATHS))
                .as("a folder known by what is below it")
                .isTrue();
        assertThat(ContextCheck.present("packages/b/deep", PATHS)).isTrue();
        assertThat(ContextCheck.present("packages/b/dee", PATHS))
                .as("a prefix of a name is not the name")
                .isFalse();
        assertThat(ContextCheck.present("packages-lock.json/x", PATHS)).isFalse();
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
