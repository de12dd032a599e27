package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BuildKit's automatic platform args in FROM, for real: {@code FROM --platform=$BUILDPLATFORM bin-$TARGETOS}
 * names the project's {@code bin-linux}, which is built first and used by its exact state (local mode: the
 * daemon's image store). And a Dockerfile written in deja.yaml, built for real.
 */
class PlatformArgsEndToEndTest {

    @TempDir
    Path tmp;

    @Test
    void fromWithTargetosNamesTheProjectImageAndBuilds() throws Exception {
        Sandbox sandbox = Sandbox.classicEngine(tmp);
        String token = UUID.randomUUID().toString();
        TestTree repo = new TestTree(tmp.resolve("platforms"))
                // A token of this run: the daemon keeps images between runs, and this one must be built.
                .file(
                        "bin-linux/Dockerfile",
                        "FROM deja-busybox:latest\nRUN echo \"binaries for linux " + token + "\" > /bin-os\n")
                .file(
                        "app/Dockerfile",
                        "FROM --platform=$BUILDPLATFORM bin-$TARGETOS AS bin\nFROM deja-busybox:latest\n"
                                + "COPY --from=bin /bin-os /bin-os\nCMD [\"cat\", \"/bin-os\"]\n");
        Sandbox.gitInitOnly(repo.root());

        assertThat(sandbox.deja(repo.root(), "graph").stdout()).contains("bin-linux");
        assertThat(sandbox.buildAndRun(repo.root(), "app")).contains("binaries for linux " + token);
    }

    /** A Dockerfile written in deja.yaml is built like one on disk, against its context. */
    @Test
    void anInlineDockerfileIsBuilt() throws Exception {
        Sandbox sandbox = Sandbox.classicEngine(tmp);
        String token = UUID.randomUUID().toString();
        TestTree repo = new TestTree(tmp.resolve("inline"))
                .file(
                        "deja.yaml",
                        "images:\n  inline-app:\n    context: app\n    dockerfile_inline: |\n"
                                + "      FROM deja-busybox:latest\n      COPY . /ctx\n"
                                + "      RUN ls -a /ctx > /listing && cat /ctx/greeting.txt >> /listing\n"
                                + "      CMD [\"cat\", \"/listing\"]\n")
                .file("app/greeting.txt", "inline " + token + "\n");
        Sandbox.gitInitOnly(repo.root());

        assertThat(sandbox.buildAndRun(repo.root(), "inline-app"))
                .contains("inline " + token)
                .contains("greeting.txt")
                .doesNotContain("Dockerfile");
    }
}
