package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import dev.deja.registry.TestRegistries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
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
        TestRegistries registries = TestRegistries.require();
        Assumptions.assumeTrue(registries.dockerHost().isPresent(), "no test dockerd: scripts/test-env.sh --docker");
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
        String registry =
                registries.plain() + "/outputs-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> env = new HashMap<>(Map.of(
                "DOCKER_HOST", registries.dockerHost().get(),
                "HOME", tmp.toString(),
                "PATH", System.getenv("PATH"),
                "DEJA_DIGEST_CACHE", "off"));
        run(repo.root(), env, "git", "init", "-q", "-b", "main");
        commit(repo, env);

        Run plan = Run.withEnvironment(env, "-C", repo.root().toString(), "plan", "--offline");
        assertThat(plan.code()).as(plan.stderr()).isZero();
        Run graph = Run.withEnvironment(env, "-C", repo.root().toString(), "graph");
        assertThat(graph.stdout()).contains("builder").contains("release");

        Run first = build(repo, env, registry);
        assertThat(ExampleRepo.results(first))
                .containsEntry("builder", "exported")
                .containsEntry("release", "built")
                .containsEntry("tool", "built")
                .containsEntry("bundle", "built")
                .containsEntry("other", "built");
        assertThat(repo.read("dist/bin/app.txt")).isEqualTo("version one\n");
        assertThat(runImage(env, registry + "/release")).contains("version one");
        assertThat(runImage(env, registry + "/tool")).contains("version one");
        assertThat(runImage(env, registry + "/bundle")).contains("version one");

        Run unchanged = build(repo, env, registry);
        assertThat(ExampleRepo.results(unchanged))
                .containsEntry("release", "reused")
                .containsEntry("tool", "reused")
                .containsEntry("bundle", "reused")
                .containsEntry("other", "reused");

        repo.file("builder/src/main.txt", "version two\n");
        commit(repo, env);
        Run changed = build(repo, env, registry);
        assertThat(ExampleRepo.results(changed))
                .containsEntry("builder", "exported")
                .containsEntry("release", "built")
                .containsEntry("tool", "built")
                .containsEntry("bundle", "built")
                .containsEntry("other", "reused");
        assertThat(runImage(env, registry + "/release")).contains("version two");
        assertThat(runImage(env, registry + "/tool")).contains("version two");
        assertThat(runImage(env, registry + "/bundle")).contains("version two");
    }

    private static Run build(TestTree repo, Map<String, String> env, String registry) {
        Run run = Run.withEnvironment(env, "-C", repo.root().toString(), "--registry", registry, "build", "--push");
        assertThat(run.code()).as(run.stderr()).isZero();
        return run;
    }

    private static void commit(TestTree repo, Map<String, String> env) throws Exception {
        run(repo.root(), env, "git", "add", "-A");
        run(repo.root(), env, "git", "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "x");
    }

    /** Runs the image's latest state (the commit tag of HEAD is what the build wrote) and returns its output. */
    private String runImage(Map<String, String> env, String repository) throws Exception {
        String commit =
                run(tmp.resolve("repo"), env, "git", "rev-parse", "HEAD").strip();
        return run(tmp, env, "docker", "run", "--rm", "--pull", "always", repository + ":" + commit);
    }

    private static String run(Path dir, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(List.of(command)))
                .directory(dir.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor())
                .as(String.join(" ", command) + ":\n" + out)
                .isZero();
        return out;
    }
}
