package dev.deja.engine.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deja.engine.bases.ResolvedBases;
import dev.deja.engine.graph.ImageGraph;
import dev.deja.engine.project.ProjectFixture;
import dev.deja.packer.InputException;
import dev.deja.packer.TestTree;
import dev.deja.packer.context.ContextCollector;
import dev.deja.packer.context.ContextEntry;
import dev.deja.packer.context.PackedContext;
import dev.deja.packer.state.ContentHasher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagePackerTest {

    private static final List<String> IMAGES = List.of("api", "worker", "tools", "libs", "libs-too");

    @TempDir
    Path tmp;

    /**
     * A monorepo whose images all take its root as their context, as most do: api and worker under the root's
     * .dockerignore, tools under one of its own; and two that take one folder, their Dockerfiles outside it.
     */
    private TestTree rootContexts() {
        return new TestTree(tmp)
                .file(
                        "deja.yaml",
                        String.join(
                                "\n",
                                "registry: reg.example.com/acme",
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
                                "  libs:",
                                "    dockerfile: services/api/Dockerfile",
                                "    context: libs",
                                "  libs-too:",
                                "    dockerfile: services/worker/Dockerfile",
                                "    context: libs",
                                ""))
                .file(".dockerignore", "*.md\n")
                .file("README.md", "ignored by the root's rules\n")
                .file("libs/shared.txt", "shared\n")
                .file("services/api/Dockerfile", "FROM alpine:3\nCOPY libs /libs\nCOPY services/api /app\n")
                .file("services/api/main.txt", "api\n")
                // FROM another image of the repo: the Dockerfile sent names it by its state, the file does not.
                .file("services/worker/Dockerfile", "FROM api\nCOPY . /src\n")
                .file("services/worker/main.txt", "worker\n")
                .file("services/tools/Dockerfile", "FROM alpine:3\nCOPY . /src\n")
                .file("services/tools/Dockerfile.dockerignore", "libs\n");
    }

    private static ImagePacker packer(ImageGraph graph, long room) {
        return new ImagePacker(
                graph,
                new ContentHasher(2),
                () -> ResolvedBases.ignored(),
                Map.of(),
                LikelyBuilt.NONE,
                new KeptWalks(room));
    }

    private static List<String> paths(PackedImage image) {
        return image.context().entries().stream().map(ContextEntry::path).toList();
    }

    private static String sentDockerfile(PackedImage image, String path) {
        ContextEntry entry = image.context().entries().stream()
                .filter(e -> e.path().equals(path))
                .findFirst()
                .orElseThrow();
        return entry.generated() == null ? "(the file)" : new String(entry.generated(), StandardCharsets.UTF_8);
    }

    @Test
    void imagesWalkingTheSameEntriesShareOneWalkAndEachGetsWhatItGetsAlone() {
        ImageGraph graph = ProjectFixture.graph(rootContexts());
        ImagePacker together = packer(graph, KeptWalks.DEFAULT_LIMIT);
        for (String name : IMAGES) {
            PackedImage shared = together.pack(name);
            PackedImage alone = packer(graph, KeptWalks.DEFAULT_LIMIT).pack(name);
            assertThat(shared.state()).as(name).isEqualTo(alone.state());
            assertThat(paths(shared)).as(name).isEqualTo(paths(alone));
            assertThat(shared.digests()).as(name).isEqualTo(alone.digests());
            // And what collecting and hashing its context the plain way gives, with the Dockerfile it sends.
            byte[] sent = shared.context().entries().stream()
                    .filter(entry -> entry.generated() != null)
                    .findFirst()
                    .orElseThrow()
                    .generated();
            PackedContext collected = ContextCollector.collect(
                    ImagePacker.spec(graph, graph.project().byName().get(name)), sent);
            assertThat(shared.context()).as(name).usingRecursiveComparison().isEqualTo(collected);
            assertThat(shared.digests()).as(name).isEqualTo(new ContentHasher(1).digests(collected));
        }
        // api and worker under the root's rules, tools under its own, libs and libs-too (their Dockerfiles outside
        // it, placed with the folders above them): three walks for five images.
        assertThat(together.walksKept()).isEqualTo(3);
        PackedImage api = together.pack("api");
        assertThat(paths(api))
                .contains("libs/shared.txt", "services/worker/Dockerfile")
                .doesNotContain("README.md");
        assertThat(sentDockerfile(api, "services/api/Dockerfile")).startsWith("FROM alpine:3\nCOPY libs");
        assertThat(sentDockerfile(api, "services/worker/Dockerfile")).isEqualTo("(the file)");
        assertThat(sentDockerfile(together.pack("worker"), "services/worker/Dockerfile"))
                .isEqualTo("FROM reg.example.com/acme/api:" + api.state().tag() + "\nCOPY . /src\n");
        assertThat(paths(together.pack("tools")))
                .doesNotContain("libs/shared.txt")
                .contains("README.md");
    }

    @Test
    void aWalkPastTheRunsRoomIsMadeAgainWhenAskedAndMustGiveTheSameState() {
        TestTree tree = rootContexts();
        ImageGraph graph = ProjectFixture.graph(tree);
        ImagePacker roomy = packer(graph, KeptWalks.DEFAULT_LIMIT);
        ImagePacker cramped = packer(graph, 1);
        for (String name : IMAGES) {
            assertThat(cramped.pack(name).state())
                    .as(name)
                    .isEqualTo(roomy.pack(name).state());
            assertThat(paths(cramped.pack(name))).as(name).isEqualTo(paths(roomy.pack(name)));
        }
        // Room for the first walk only (a run of one image never walks twice): api's, which worker shares; tools'
        // walk served its state and was dropped, so asking for its context walks again, and sees the change.
        assertThat(cramped.walksKept()).isEqualTo(1);
        tree.file("services/worker/main.txt", "worker, changed while deja ran\n");
        assertThat(cramped.pack("worker").context()).isNotNull();
        assertThatThrownBy(() -> cramped.pack("tools").context())
                .isInstanceOf(InputException.class)
                .hasMessageContaining("the files of image 'tools' changed while deja ran");
        assertThat(roomy.pack("tools").context())
                .as("kept: what was walked is what is sent")
                .isNotNull();
    }
}
