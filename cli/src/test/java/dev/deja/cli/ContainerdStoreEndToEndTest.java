package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deja.packer.TestTree;
import dev.deja.registry.Manifest;
import dev.deja.registry.RegistryClient;
import dev.deja.registry.Repository;
import dev.deja.registry.TestRegistries;
import dev.deja.registry.TestRegistryOps;
import dev.deja.registry.auth.CredentialSource;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What CI users' current builders do, for real: dockerd 26 on the containerd image store, whose BuildKit attaches
 * provenance attestations by default (every push is an image index holding the image and an attestation manifest)
 * and writes registry cache with the plain docker driver. deja reuses and retags such an index whole (the commit tag
 * names the very index the state tag does), explains it from the image's own config, pulls it for local use, and
 * writes {@code cache: registry} to {@code <repo>:buildcache} without a builder of its own.
 */
class ContainerdStoreEndToEndTest {

    @TempDir
    Path tmp;

    @Test
    void attestationIndexesAreReusedRetaggedExplainedAndPulledAndRegistryCacheIsWritten() throws Exception {
        Sandbox sandbox = Sandbox.containerdStore(tmp.resolve("home"));
        String registry = TestRegistries.namespace(TestRegistries.require().plain(), "att");
        TestTree repo = new TestTree(tmp.resolve("repo"))
                .file(
                        "deja.yaml",
                        "registry: " + registry + "\ncache: registry\ntags: {commit: true, branch: false}\n"
                                + "images:\n  base: {dockerfile: base/Dockerfile}\n  app: {dockerfile: app/Dockerfile}\n")
                .file("base/Dockerfile", "FROM deja-busybox:latest\nRUN echo base > /base\n")
                .file("app/Dockerfile", "FROM base\nCOPY data /data\n")
                .file("app/data", "v1\n");
        sandbox.gitInit(repo.root());
        RegistryClient client = RegistryClient.create(CredentialSource.anonymous(), Set.of());

        Run first = sandbox.deja(repo.root(), "build", "--push");
        assertThat(first.code()).as(first.stderr()).isZero();
        assertThat(first.stderr()).doesNotContain("cannot write cache to a registry");
        assertThat(ExampleRepo.results(first)).containsEntry("base", "built").containsEntry("app", "built");
        String state = ExampleRepo.states(first).get("app");
        Repository app = Repository.parse(registry + "/app");
        Manifest pushed = client.manifest(app, state).orElseThrow();
        JsonNode index = new ObjectMapper().readTree(pushed.content());
        assertThat(pushed.mediaType()).isEqualTo("application/vnd.oci.image.index.v1+json");
        assertThat(index.path("manifests").findValuesAsText("vnd.docker.reference.type"))
                .as("an attestation manifest beside the image")
                .contains("attestation-manifest");
        assertThat(TestRegistryOps.tags(client, app, 100)).contains("buildcache");

        // The next commit: both reused, the commit tag written on the same index (no layer moves, nothing rebuilt).
        String commit = sandbox.commit(repo.root());
        Run second = sandbox.deja(repo.root(), "build", "--push");
        assertThat(second.code()).as(second.stderr()).isZero();
        assertThat(ExampleRepo.results(second)).containsEntry("base", "reused").containsEntry("app", "reused");
        assertThat(client.exists(app, commit).orElseThrow().digest()).isEqualTo(pushed.digest());

        // why reads the image's own config (not the attestation's) from the index.
        Run why = sandbox.deja(repo.root(), "why", "app");
        assertThat(why.code()).as(why.stderr()).isZero();
        assertThat(why.stdout()).contains("the same state as").contains("nothing to rebuild");

        // Local mode pulls the index's image into the daemon under the image's name.
        sandbox.run(repo.root(), "docker", "image", "rm", "-f", registry + "/app:" + state);
        Run local = sandbox.deja(repo.root(), "build", "app");
        assertThat(local.code()).as(local.stderr()).isZero();
        assertThat(ExampleRepo.results(local)).containsEntry("app", "pulled");
        assertThat(sandbox.containerOutput(repo.root(), "app:latest", "cat", "/base", "/data"))
                .isEqualTo("base\nv1\n");
    }
}
