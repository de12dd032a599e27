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
 * BuildKit's automatic platform args in FROM, for real: {@code FROM --platform=$BUILDPLATFORM bin-$TARGETOS}
 * names the project's {@code bin-linux}, which is built first and used by its exact state (local mode: the
 * daemon's image store). And a Dockerfile written in deja.yaml, built for real.
 */
class PlatformArgsEndToEndTest {

    @TempDir
    Path tmp;

    @Test
    void fromWithTargetosNamesTheProjectImageAndBuilds() throws Exception {
        TestRegistries registries = TestRegistries.require();
        Assumptions.assumeTrue(registries.dockerHost().isPresent(), "no test dockerd: scripts/test-env.sh --docker");
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
        new ProcessBuilder("git", "init", "-q")
                .directory(repo.root().toFile())
                .start()
                .waitFor();
        Map<String, String> env = Map.of(
                "DOCKER_HOST", registries.dockerHost().get(),
                "HOME", tmp.toString(),
                "PATH", System.getenv("PATH"),
                "DEJA_DIGEST_CACHE", "off");

        Run graph = Run.withEnvironment(env, "-C", repo.root().toString(), "graph");
        assertThat(graph.stdout()).contains("bin-linux");
        Run build = Run.withEnvironment(env, "-C", repo.root().toString(), "build");
        assertThat(build.code()).as(build.stderr()).isZero();
        assertThat(ExampleRepo.results(build))
                .containsEntry("bin-linux", "built")
                .containsEntry("app", "built");

        ProcessBuilder docker =
                new ProcessBuilder(List.of("docker", "run", "--rm", "app:latest")).redirectErrorStream(true);
        docker.environment().putAll(env);
        Process process = docker.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(out).isZero();
        assertThat(out).contains("binaries for linux " + token);
    }

    /** A Dockerfile written in deja.yaml is built like one on disk, against its context. */
    @Test
    void anInlineDockerfileIsBuilt() throws Exception {
        TestRegistries registries = TestRegistries.require();
        Assumptions.assumeTrue(registries.dockerHost().isPresent(), "no test dockerd: scripts/test-env.sh --docker");
        String token = UUID.randomUUID().toString();
        TestTree repo = new TestTree(tmp.resolve("inline"))
                .file(
                        "deja.yaml",
                        "images:\n  inline-app:\n    context: app\n    dockerfile_inline: |\n"
                                + "      FROM deja-busybox:latest\n      COPY . /ctx\n"
                                + "      RUN ls -a /ctx > /listing && cat /ctx/greeting.txt >> /listing\n"
                                + "      CMD [\"cat\", \"/listing\"]\n")
                .file("app/greeting.txt", "inline " + token + "\n");
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
        assertThat(ExampleRepo.results(build)).containsEntry("inline-app", "built");
        ProcessBuilder docker =
                new ProcessBuilder(List.of("docker", "run", "--rm", "inline-app:latest")).redirectErrorStream(true);
        docker.environment().putAll(env);
        Process process = docker.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(out).isZero();
        assertThat(out).contains("inline " + token).contains("greeting.txt").doesNotContain("Dockerfile");
    }
}
