package dev.deja.engine.bases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deja.engine.config.BasePolicy;
import dev.deja.engine.config.ConfigException;
import dev.deja.engine.graph.ImageGraph;
import dev.deja.engine.pack.ImagePacker;
import dev.deja.engine.pack.PackedImage;
import dev.deja.engine.project.ProjectFixture;
import dev.deja.packer.TestTree;
import dev.deja.packer.context.ContextEntry;
import dev.deja.packer.state.ContentHasher;
import dev.deja.packer.state.State;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bases in the packed Dockerfile and in the state (the fixture: base FROM busybox:latest, tool FROM alpine:3). */
class PinnedBasesTest {

    private static final String BUSYBOX_A = "sha256:" + "a".repeat(64);
    private static final String BUSYBOX_B = "sha256:" + "b".repeat(64);
    private static final String ALPINE = "sha256:" + "c".repeat(64);

    @TempDir
    Path tmp;

    private static ResolvedBases tracked(String busybox) {
        return new ResolvedBases(
                BasePolicy.TRACK,
                new TreeMap<>(
                        Map.of("docker.io/library/busybox:latest", busybox, "docker.io/library/alpine:3", ALPINE)));
    }

    private static ImagePacker packer(TestTree tree, ResolvedBases bases) {
        return new ImagePacker(ProjectFixture.graph(tree), new ContentHasher(1), bases);
    }

    private static String dockerfile(PackedImage packed) {
        return packed.context().entries().stream()
                .filter(e -> e.path().equals(packed.context().dockerfile()))
                .map(ContextEntry::generated)
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void thePackedDockerfileNamesTheDigestAndTheStateHoldsIt() {
        TestTree tree = ProjectFixture.monorepo(tmp);
        PackedImage base = packer(tree, tracked(BUSYBOX_A)).pack("base");
        assertThat(dockerfile(base)).startsWith("FROM busybox:latest@" + BUSYBOX_A + "\n");
        assertThat(base.inputs().bases()).containsExactly(Map.entry("docker.io/library/busybox:latest", BUSYBOX_A));
    }

    @Test
    void anExternalNamedContextIsPassedByDigest() {
        TestTree tree = ProjectFixture.monorepo(tmp);
        tree.file(
                        "deja.yaml",
                        tree.read("deja.yaml")
                                + "  ctx:\n    dockerfile: ctx/Dockerfile\n"
                                + "    contexts: {tools: \"docker-image://alpine:3\"}\n")
                .file("ctx/Dockerfile", "FROM tools\n");
        PackedImage ctx = packer(tree, tracked(BUSYBOX_A)).pack("ctx");
        assertThat(ctx.imageContexts()).containsEntry("tools", "docker-image://alpine:3@" + ALPINE);
        assertThat(ctx.inputs().bases()).containsExactly(Map.entry("docker.io/library/alpine:3", ALPINE));
        assertThat(dockerfile(ctx)).isEqualTo("FROM tools\n");
    }

    @Test
    void aMovedBaseChangesItsImageAndEveryDescendantAndNothingElse() {
        TestTree tree = ProjectFixture.monorepo(tmp);
        ImagePacker before = packer(tree, tracked(BUSYBOX_A));
        ImagePacker after = packer(tree, tracked(BUSYBOX_B));
        ImageGraph graph = ProjectFixture.graph(tree);
        for (String name : graph.names()) {
            boolean descends = graph.ancestorsAndSelf(name).contains("base");
            assertThat(after.state(name).equals(before.state(name)))
                    .as(name + " keeps its state")
                    .isEqualTo(!descends);
        }
    }

    @Test
    void contextsWalkedWhileTheBasesAreFoundHaveTheStatesOfTheirContextsAsSent() {
        TestTree tree = ProjectFixture.monorepo(tmp);
        ImageGraph graph = ProjectFixture.graph(tree);
        CompletableFuture<ResolvedBases> found = new CompletableFuture<>();
        ImagePacker ahead = new ImagePacker(graph, new ContentHasher(1), found::join, Map.of());
        ahead.walkAhead(graph.names());
        found.complete(tracked(BUSYBOX_A));
        for (String name : graph.names()) {
            PackedImage packed = ahead.pack(name);
            // The context as sent, hashed again from its entries: the Dockerfile among them is the one naming the
            // bases.
            State sent = State.compute(new ContentHasher(1).digests(packed.context()), packed.inputs());
            assertThat(packed.state()).as(name).isEqualTo(sent);
            assertThat(packed.digests()).as(name).isEqualTo(new ContentHasher(1).digests(packed.context()));
        }
        assertThat(dockerfile(ahead.pack("base"))).startsWith("FROM busybox:latest@" + BUSYBOX_A + "\n");
    }

    @Test
    void ignoredBasesLeaveStatesAsBeforeAndUnresolvedOnesNeverEqualAResolvedState() {
        TestTree tree = ProjectFixture.monorepo(tmp);
        ImageGraph graph = ProjectFixture.graph(tree);
        ImagePacker ignored = packer(tree, ResolvedBases.ignored());
        assertThat(dockerfile(ignored.pack("base"))).startsWith("FROM busybox:latest\n");
        assertThat(ignored.pack("base").inputs().bases()).isEmpty();

        ImagePacker unresolved = packer(tree, ResolvedBases.unresolved(graph.bases("base")));
        PackedImage base = unresolved.pack("base");
        assertThat(dockerfile(base)).startsWith("FROM busybox:latest\n");
        assertThat(base.inputs().unresolvedBases()).containsExactly("docker.io/library/busybox:latest");
        assertThat(base.state())
                .isNotEqualTo(ignored.state("base"))
                .isNotEqualTo(packer(tree, tracked(BUSYBOX_A)).state("base"));
    }

    @Test
    void aReferenceWithADigestIsUsedAsItIsAndScratchIsNoImage() {
        TestTree tree = ProjectFixture.monorepo(tmp);
        tree.file("tool/Dockerfile", "FROM alpine:3@" + ALPINE + "\nFROM scratch\nCOPY --from=0 /x /x\n");
        ImageGraph graph = ProjectFixture.graph(tree);
        assertThat(graph.bases("tool")).isEmpty();
        assertThat(graph.bases("base")).extracting(b -> b.reference()).containsExactly("busybox:latest");
    }

    @Test
    void everySpellingOfADockerHubImageIsOneBase() {
        assertThat(BaseReference.parse("python").normalized()).isEqualTo("docker.io/library/python:latest");
        assertThat(BaseReference.parse("docker.io/library/python:latest").normalized())
                .isEqualTo("docker.io/library/python:latest");
        assertThat(BaseReference.parse("index.docker.io/library/python:3.12-slim")
                        .normalized())
                .isEqualTo("docker.io/library/python:3.12-slim");
        assertThat(BaseReference.parse("acme/runtime:1").normalized()).isEqualTo("docker.io/acme/runtime:1");
        assertThat(BaseReference.parse("ghcr.io/acme/runtime:nightly").normalized())
                .isEqualTo("ghcr.io/acme/runtime:nightly");
        assertThat(BaseReference.parse("127.0.0.1:5000/x").normalized()).isEqualTo("127.0.0.1:5000/x:latest");
    }

    @Test
    void aLockFileReadsBackWhatWasWrittenAndRefusesAWrongDigestByLine() throws Exception {
        Path lock = tmp.resolve("deja.lock");
        LockFile.write(
                lock, Map.of("docker.io/library/alpine:3", ALPINE, "docker.io/library/busybox:latest", BUSYBOX_A));
        assertThat(LockFile.read(lock))
                .containsExactly(
                        Map.entry("docker.io/library/alpine:3", ALPINE),
                        Map.entry("docker.io/library/busybox:latest", BUSYBOX_A));

        java.nio.file.Files.writeString(lock, "# lock\ndocker.io/library/alpine:3 sha256:abc\n");
        assertThatThrownBy(() -> LockFile.read(lock))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'sha256:abc' is not a digest")
                .satisfies(e -> assertThat(((ConfigException) e).line()).isEqualTo(2));
    }

    @Test
    void underLockABaseTheLockLacksIsAnErrorThatSaysToRunDejaLock() {
        TestTree tree = ProjectFixture.monorepo(tmp);
        ImageGraph graph = ProjectFixture.graph(tree);
        LockFile.write(tmp.resolve("deja.lock"), Map.of("docker.io/library/busybox:latest", BUSYBOX_A));
        assertThat(Bases.fromLock(graph.project(), graph.bases("base")).digests())
                .containsEntry("docker.io/library/busybox:latest", BUSYBOX_A);
        assertThatThrownBy(() -> Bases.fromLock(graph.project(), graph.bases("tool")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "does not have docker.io/library/alpine:3 (FROM in image 'tool' at tool/Dockerfile:1)")
                .hasMessageContaining("run deja lock");
    }
}
