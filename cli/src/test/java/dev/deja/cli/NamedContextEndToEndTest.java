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
 * Named contexts that are not images of the project, for real on the current engine: a folder is hashed after its
 * own .dockerignore and the builder gets exactly that; an external image is passed as docker-image://.
 */
class NamedContextEndToEndTest {

    @TempDir
    Path tmp;

    @Test
    void aFolderContextIsSentAsHashedAndPartOfTheState() throws Exception {
        TestRegistries registries = TestRegistries.require();
        Assumptions.assumeTrue(
                registries.currentDockerHost().isPresent(), "no current test dockerd: scripts/test-env.sh --docker");
        String token = UUID.randomUUID().toString();
        TestTree repo = new TestTree(tmp.resolve("named"))
                .file(
                        "deja.yaml",
                        "images:\n  protoc:\n    dockerfile: app/Dockerfile\n"
                                + "    contexts: {protos: protos, tools: \"docker-image://deja-busybox:latest\"}\n")
                .file(
                        "app/Dockerfile",
                        "FROM deja-busybox:latest\nCOPY --from=protos . /protos\n"
                                + "COPY --from=tools /bin/busybox /tools-busybox\n"
                                + "RUN ls -a /protos > /listing && cat /protos/a.proto >> /listing\n"
                                + "CMD [\"cat\", \"/listing\"]\n")
                .file("protos/a.proto", "message A {} // " + token + "\n")
                .file("protos/secret.txt", "not for the builder\n")
                .file("protos/.dockerignore", "secret.txt\n");
        new ProcessBuilder("git", "init", "-q")
                .directory(repo.root().toFile())
                .start()
                .waitFor();
        Map<String, String> env = Map.of(
                "DOCKER_HOST", registries.currentDockerHost().get(),
                "HOME", tmp.toString(),
                "PATH", System.getenv("PATH"),
                "DEJA_DIGEST_CACHE", "off");

        Run build = Run.withEnvironment(env, "-C", repo.root().toString(), "build");
        assertThat(build.code()).as(build.stderr()).isZero();
        assertThat(ExampleRepo.results(build)).containsEntry("protoc", "built");
        ProcessBuilder docker =
                new ProcessBuilder(List.of("docker", "run", "--rm", "protoc:latest")).redirectErrorStream(true);
        docker.environment().putAll(env);
        Process process = docker.start();
        String listing = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(listing).isZero();
        assertThat(listing).contains("a.proto").contains(token).doesNotContain("secret.txt");

        String before =
                Run.withEnvironment(env, "-C", repo.root().toString(), "state").stdout();
        repo.file("protos/secret.txt", "still not for the builder, and not in the state\n");
        assertThat(Run.withEnvironment(env, "-C", repo.root().toString(), "state")
                        .stdout())
                .isEqualTo(before);
        repo.file("protos/a.proto", "message B {}\n");
        assertThat(Run.withEnvironment(env, "-C", repo.root().toString(), "state")
                        .stdout())
                .isNotEqualTo(before);
    }
}
