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
import java.util.List;
import java.util.Set;
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
        Sandbox sandbox = Sandbox.classicEngine(tmp);
        String registry = TestRegistries.namespace(TestRegistries.require().plain(), "onerepo");
        TestTree repo = new TestTree(tmp.resolve("repo"))
                .file(
                        "deja.yaml",
                        "registry: " + registry + "\nrepository: all\ntag-prefix: \"{name}-\"\n"
                                + "tags: {commit: true, branch: true}\nimages:\n"
                                + "  base:\n    dockerfile: base/Dockerfile\n  api:\n    dockerfile: api/Dockerfile\n")
                .file("base/Dockerfile", "FROM deja-busybox:latest\nRUN echo base > /base\n")
                .file("api/Dockerfile", "FROM base\nRUN cat /base > /api\n");
        sandbox.gitInit(repo.root());

        Run state = sandbox.deja(repo.root(), "state");
        assertThat(state.stdout())
                .containsPattern("base base-s1-[0-9a-f]{40}")
                .containsPattern("api api-s1-[0-9a-f]{40}");
        Run context = sandbox.deja(repo.root(), "context", "api", "-o", "-");
        assertThat(new String(context.stdoutBytes(), StandardCharsets.ISO_8859_1))
                .containsPattern("FROM " + registry.replace(".", "\\.") + "/all:base-s1-[0-9a-f]{40}");

        Run first = sandbox.deja(repo.root(), "build", "--push");
        assertThat(first.code()).as(first.stderr()).isZero();
        List<String> tags = TestRegistryOps.tags(
                RegistryClient.create(CredentialSource.anonymous(), Set.of()),
                Repository.parse(registry + "/all"),
                100);
        assertThat(tags)
                .contains("base-main", "api-main")
                .anyMatch(t -> t.matches("api-s1-[0-9a-f]{40}"))
                .anyMatch(t -> t.matches("base-[0-9a-f]{40}"));
        Run again = sandbox.deja(repo.root(), "build", "--push");
        assertThat(again.code()).as(again.stderr()).isZero();
        assertThat(ExampleRepo.results(again)).containsEntry("base", "reused").containsEntry("api", "reused");
    }
}
