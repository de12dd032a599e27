package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The context a build sees is the one BuildKit would send, for real: a Dockerfile outside its context is not in
 * it ({@code COPY .} does not copy it), and a link that points outside is a link.
 */
class ContextAsSentEndToEndTest {

    @TempDir
    Path tmp;

    @Test
    void aDockerfileOutsideItsContextIsNotCopiedAndLinksStayLinks() throws Exception {
        Sandbox sandbox = Sandbox.classicEngine(tmp);
        TestTree repo = new TestTree(tmp.resolve("outside"))
                .file(
                        "deja.yaml",
                        "images:\n  outside-app:\n    dockerfile: docker/outside-app.Dockerfile\n    context: app\n")
                .file(
                        "docker/outside-app.Dockerfile",
                        "FROM deja-busybox:latest\nCOPY . /ctx\n"
                                + "RUN ls -laR /ctx > /listing\nCMD [\"cat\", \"/listing\"]\n")
                // A token of this run: the daemon keeps images between runs, and this one must be built.
                .file("app/main.sh", "echo " + UUID.randomUUID() + "\n")
                .symlink("app/passwd", "/etc/passwd");
        Sandbox.gitInitOnly(repo.root());

        String listing = sandbox.buildAndRun(repo.root(), "outside-app");
        assertThat(listing)
                .contains("main.sh")
                .contains("passwd -> /etc/passwd")
                .doesNotContain("Dockerfile")
                .doesNotContain("docker");
    }
}
