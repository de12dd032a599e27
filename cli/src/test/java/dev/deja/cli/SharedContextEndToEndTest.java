package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images that all take the repository's root as their context, as most monorepos have them: one walk serves those
 * with the same rules, and each builds, for real, from what its own context holds (the files written out for one
 * build linked by the next of the same walk).
 */
class SharedContextEndToEndTest {

    @TempDir
    Path tmp;

    @Test
    void imagesOverTheRootEachBuildFromTheirOwnContext() throws Exception {
        Sandbox sandbox = Sandbox.classicEngine(tmp);
        String token = UUID.randomUUID().toString();
        TestTree repo = new TestTree(tmp.resolve("mono"))
                .file(
                        "deja.yaml",
                        String.join(
                                "\n",
                                "images:",
                                "  api:",
                                "    dockerfile: services/api/Dockerfile",
                                "    context: .",
                                "  worker:",
                                "    dockerfile: services/worker/Dockerfile",
                                "    context: .",
                                "  tools:",
                                "    dockerfile: services/tools/Dockerfile",
                                "    context: .",
                                ""))
                .file(".dockerignore", "*.md\n")
                .file("README.md", "left out by the root's rules\n")
                // A token of this run: the daemon keeps images between runs, and these must be built.
                .file("libs/shared.txt", token + "\n")
                .file("services/api/main.sh", "echo api\n")
                .file(
                        "services/api/Dockerfile",
                        "FROM deja-busybox:latest\nCOPY services/api /app\nCOPY libs /libs\n"
                                + "CMD [\"cat\", \"/libs/shared.txt\"]\n")
                .file("services/worker/main.sh", "echo worker\n")
                .file(
                        "services/worker/Dockerfile",
                        "FROM api\nCOPY services/worker /worker\nRUN ls /app /worker > /listing\n"
                                + "CMD [\"cat\", \"/listing\"]\n")
                .file("services/tools/Dockerfile.dockerignore", "libs\n")
                .file(
                        "services/tools/Dockerfile",
                        "FROM deja-busybox:latest\nCOPY . /src\nRUN find /src -type f | sort > /listing\n"
                                + "CMD [\"cat\", \"/listing\"]\n")
                .file("services/tools/run.sh", "echo " + token + "\n");
        sandbox.gitInit(repo.root());

        Run build = sandbox.deja(repo.root(), "build", "--debug");
        assertThat(build.code()).as(build.stderr()).isZero();
        assertThat(ExampleRepo.results(build))
                .containsEntry("api", "built")
                .containsEntry("worker", "built")
                .containsEntry("tools", "built");
        // worker's context is api's walk, written out for api's build first: its files are linked, not copied.
        assertThat(build.stderr().lines().filter(line -> line.contains("] worker: context of")))
                .singleElement()
                .asString()
                .contains(" of its files linked to an earlier build's");

        assertThat(sandbox.containerOutput(repo.root(), "api:latest")).isEqualTo(token + "\n");
        assertThat(sandbox.containerOutput(repo.root(), "worker:latest"))
                .contains("main.sh")
                .contains("/worker:");
        // tools' own rules leave libs out, the root's leave README.md out; the other Dockerfiles are files of its
        // context, its own is the one sent.
        assertThat(sandbox.containerOutput(repo.root(), "tools:latest"))
                .contains("/src/services/api/Dockerfile", "/src/services/tools/run.sh", "/src/.dockerignore")
                .doesNotContain("/src/libs/")
                .contains("/src/README.md");
    }
}
