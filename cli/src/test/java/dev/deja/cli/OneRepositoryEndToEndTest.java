package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import dev.deja.registry.RegistryClient;
import dev.deja.registry.Repository;
import dev.deja.registry.TestRegistries;
import dev.deja.registry.TestRegistryOps;
import dev.deja.registry.auth.CredentialSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every image in one repository, for real: {@code repository:} and {@code tag-prefix: "{name}-"} put each image's
 * state, commit and branch tags side by side ({@code <repo>:api-s1-…}); a child names its parent by that tag; the
 * next run reuses all.
 */
class OneRepositoryEndToEndTest {

    @TempDir
    Path tmp;

    @Test
    void imagesShareOneRepositoryUnderTheirOwnTags() throws Exception {
        TestRegistries registries = TestRegistries.require();
        Assumptions.assumeTrue(registries.dockerHost().isPresent(), "no test dockerd: scripts/test-env.sh --docker");
        String registry =
                registries.plain() + "/onerepo-" + UUID.randomUUID().toString().substring(0, 8);
        TestTree repo = new TestTree(tmp.resolve("repo"))
                .file(
                        "deja.yaml",
                        "registry: " + registry + "\nrepository: all\ntag-prefix: \"{name}-\"\n"
                                + "tags: {commit: true, branch: true}\nimages:\n"
                                + "  base:\n    dockerfile: base/Dockerfile\n  api:\n    dockerfile: api/Dockerfile\n")
                .file("base/Dockerfile", "FROM deja-busybox:latest\nRUN echo base > /base\n")
                .file("api/Dockerfile", "FROM base\nRUN cat /base > /api\n");
        Map<String, String> env = new HashMap<>(Map.of(
                "DOCKER_HOST", registries.dockerHost().get(),
                "HOME", tmp.toString(),
                "PATH", System.getenv("PATH"),
                "DEJA_DIGEST_CACHE", "off"));
        git(repo.root(), env, "init", "-q", "-b", "main");
        git(
                repo.root(),
                env,
                "-c",
                "user.email=t@example.com",
                "-c",
                "user.name=t",
                "commit",
                "-q",
                "--allow-empty",
                "-m",
                "x");

        Run state = Run.withEnvironment(env, "-C", repo.root().toString(), "state");
        assertThat(state.stdout())
                .containsPattern("base base-s1-[0-9a-f]{40}")
                .containsPattern("api api-s1-[0-9a-f]{40}");
        Run context = Run.withEnvironment(env, "-C", repo.root().toString(), "context", "api", "-o", "-");
        assertThat(new String(context.stdoutBytes(), StandardCharsets.ISO_8859_1))
                .containsPattern("FROM " + registry.replace(".", "\\.") + "/all:base-s1-[0-9a-f]{40}");

        Run first = Run.withEnvironment(env, "-C", repo.root().toString(), "build", "--push");
        assertThat(first.code()).as(first.stderr()).isZero();
        List<String> tags = TestRegistryOps.tags(
                RegistryClient.create(CredentialSource.anonymous(), Set.of()),
                Repository.parse(registry + "/all"),
                100);
        assertThat(tags)
                .contains("base-main", "api-main")
                .anyMatch(t -> t.matches("api-s1-[0-9a-f]{40}"))
                .anyMatch(t -> t.matches("base-[0-9a-f]{40}"));
        Run again = Run.withEnvironment(env, "-C", repo.root().toString(), "build", "--push");
        assertThat(again.code()).as(again.stderr()).isZero();
        assertThat(ExampleRepo.results(again)).containsEntry("base", "reused").containsEntry("api", "reused");
    }

    private static void git(Path dir, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(out).isZero();
    }
}
