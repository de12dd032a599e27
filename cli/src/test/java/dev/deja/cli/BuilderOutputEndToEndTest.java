package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import dev.deja.registry.TestRegistries;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The builder → artifacts → release image pattern, for real: a builder exports files, a release image packs them
 * (an include under the builder's output), a bundle packs them from a root context that holds the output folder,
 * a tool image takes them by {@code COPY --from=builder}; a change to the builder's sources rebuilds those four, and
 * only them.
 */
class BuilderOutputEndToEndTest {

    @TempDir
    Path tmp;

    @Test
    void exportedFilesFeedTheImagesThatUseThem() throws Exception {
        Sandbox sandbox = Sandbox.classicEngine(tmp);
        TestTree repo = new TestTree(tmp.resolve("repo"))
                .file(
                        "deja.yaml",
                        String.join(
                                "\n",
                                "images:",
                                "  builder:",
                                "    dockerfile: builder/Dockerfile",
                                "    output: dist/bin",
                                "  release:",
                                "    dockerfile: release/Dockerfile",
                                "    include: [dist/bin]",
                                "  tool:",
                                "    dockerfile: tool/Dockerfile",
                                "  bundle:",
                                "    dockerfile: bundle/Dockerfile",
                                "    context: .",
                                "    exclude: ['**', '!bundle', '!dist/bin']",
                                "  other:",
                                "    dockerfile: other/Dockerfile",
                                ""))
                .file(
                        "builder/Dockerfile",
                        "FROM deja-busybox:latest AS build\nCOPY src /src\nRUN cat /src/* > /app.txt\n"
                                + "FROM scratch\nCOPY --from=build /app.txt /app.txt\n")
                .file("builder/src/main.txt", "version one\n")
                .file(
                        "release/Dockerfile",
                        "FROM deja-busybox:latest\nCOPY dist/bin/app.txt /release.txt\nCMD [\"cat\", \"/release.txt\"]\n")
                .file(
                        "tool/Dockerfile",
                        "FROM deja-busybox:latest\nCOPY --from=builder /app.txt /tool.txt\nCMD [\"cat\", \"/tool.txt\"]\n")
                .file(
                        "bundle/Dockerfile",
                        "FROM deja-busybox:latest\nCOPY dist/bin/app.txt /bundle.txt\nCMD [\"cat\", \"/bundle.txt\"]\n")
                .file("other/Dockerfile", "FROM deja-busybox:latest\nRUN echo other > /other\n")
                .file(".gitignore", "dist/\n");
        String registry = TestRegistries.namespace(TestRegistries.require().plain(), "outputs");
        sandbox.gitInit(repo.root());

        Run plan = sandbox.deja(repo.root(), "plan", "--offline");
        assertThat(plan.code()).as(plan.stderr()).isZero();
        Run graph = sandbox.deja(repo.root(), "graph");
        assertThat(graph.stdout()).contains("builder").contains("release");

        Run first = build(sandbox, repo, registry);
        assertThat(ExampleRepo.results(first))
                .containsEntry("builder", "exported")
                .containsEntry("release", "built")
                .containsEntry("tool", "built")
                .containsEntry("bundle", "built")
                .containsEntry("other", "built");
        assertThat(repo.read("dist/bin/app.txt")).isEqualTo("version one\n");
        assertEachPrints(sandbox, repo, registry, "version one");

        Run unchanged = build(sandbox, repo, registry);
        assertThat(ExampleRepo.results(unchanged))
                .containsEntry("release", "reused")
                .containsEntry("tool", "reused")
                .containsEntry("bundle", "reused")
                .containsEntry("other", "reused");

        repo.file("builder/src/main.txt", "version two\n");
        sandbox.commit(repo.root());
        Run changed = build(sandbox, repo, registry);
        assertThat(ExampleRepo.results(changed))
                .containsEntry("builder", "exported")
                .containsEntry("release", "built")
                .containsEntry("tool", "built")
                .containsEntry("bundle", "built")
                .containsEntry("other", "reused");
        assertEachPrints(sandbox, repo, registry, "version two");
    }

    private static Run build(Sandbox sandbox, TestTree repo, String registry) {
        Run run = sandbox.deja(repo.root(), "--registry", registry, "build", "--push");
        assertThat(run.code()).as(run.stderr()).isZero();
        return run;
    }

    /** Each image that uses the builder's files, run at the commit tag of HEAD (what the build wrote), prints them. */
    private static void assertEachPrints(Sandbox sandbox, TestTree repo, String registry, String expected)
            throws Exception {
        String commit = sandbox.run(repo.root(), "git", "rev-parse", "HEAD").strip();
        for (String image : new String[] {"release", "tool", "bundle"}) {
            assertThat(sandbox.run(
                            repo.root(),
                            "docker",
                            "run",
                            "--rm",
                            "--pull",
                            "always",
                            registry + "/" + image + ":" + commit))
                    .as(image)
                    .contains(expected);
        }
    }
}
