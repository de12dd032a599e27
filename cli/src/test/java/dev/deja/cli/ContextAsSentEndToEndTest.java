package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import dev.deja.registry.TestRegistries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
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
        TestRegistries registries = TestRegistries.require();
        Assumptions.assumeTrue(registries.dockerHost().isPresent(), "no test dockerd: scripts/test-env.sh --docker");
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
        new ProcessBuilder("git", "init", "-q")
                .directory(repo.root().toFile())
                .start()
                .waitFor();
        Map<String, String> env = Map.of(
                "DOCKER_HOST", registries.dockerHost().get(),
                "HOME", tmp.toString(),
                "PATH", System.getenv("PATH"),
                "DEJA_DIGEST_CACHE", "off");
        Run build = Run.withEnvironment(env, "-C", repo.root().toString(), "build");
        assertThat(build.code()).as(build.stderr()).isZero();
        assertThat(ExampleRepo.results(build)).containsEntry("outside-app", "built");

        ProcessBuilder docker =
                new ProcessBuilder(List.of("docker", "run", "--rm", "outside-app:latest")).redirectErrorStream(true);
        docker.environment().putAll(env);
        Process process = docker.start();
        String listing = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(listing).isZero();
        assertThat(listing)
                .contains("main.sh")
                .contains("passwd -> /etc/passwd")
                .doesNotContain("Dockerfile")
                .doesNotContain("docker");
    }
}
