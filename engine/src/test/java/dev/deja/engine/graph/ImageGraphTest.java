package dev.deja.engine.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deja.engine.config.ConfigException;
import dev.deja.engine.project.ProjectFixture;
import dev.deja.engine.project.ProjectLoader;
import dev.deja.packer.TestTree;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGraphTest {

    @TempDir
    Path tmp;

    @Test
    void edgesComeFromFromCopyFromArgAndDependsOn() {
        ImageGraph graph = ProjectFixture.graph(ProjectFixture.monorepo(tmp));
        assertThat(parents(graph, "base")).isEmpty();
        assertThat(parents(graph, "shared")).containsExactly("base");
        assertThat(parents(graph, "svc1")).containsExactly("shared");
        assertThat(parents(graph, "svc2")).containsExactly("shared");
        assertThat(parents(graph, "tool")).containsExactly("base");
        assertThat(parents(graph, "web")).containsExactly("base", "shared");
        assertThat(graph.parents("web")).extracting(Dependency::how).containsExactly("FROM", "--from");
        assertThat(graph.parents("svc2").get(0).line()).isEqualTo(2);
        assertThat(graph.parents("tool").get(0).how()).isEqualTo("depends_on");
    }

    @Test
    void levelsAndOrder() {
        ImageGraph graph = ProjectFixture.graph(ProjectFixture.monorepo(tmp));
        assertThat(graph.levels())
                .containsExactly(List.of("base"), List.of("shared", "tool"), List.of("svc1", "svc2", "web"));
        assertThat(graph.topologicalOrder()).startsWith("base", "shared", "tool");
    }

    @Test
    void selectors() {
        ImageGraph graph = ProjectFixture.graph(ProjectFixture.monorepo(tmp));
        assertThat(Selection.ALL.apply(graph)).hasSize(6);
        assertThat(Selection.of(List.of("svc1", "base")).apply(graph)).containsExactly("base", "svc1");
        assertThat(new Selection(List.of(), List.of("svc1"), List.of(), List.of()).apply(graph))
                .containsExactly("base", "shared", "svc1");
        assertThat(new Selection(List.of(), List.of(), List.of("shared"), List.of()).apply(graph))
                .containsExactly("shared", "svc1", "svc2", "web");
        assertThat(new Selection(List.of(), List.of(), List.of(), List.of("shared")).apply(graph))
                .containsExactly("base", "tool");
        assertThat(new Selection(List.of(), List.of(), List.of("base"), List.of("svc2")).apply(graph))
                .containsExactly("base", "shared", "tool", "svc1", "web");
        assertThatThrownBy(() -> Selection.of(List.of("nope")).apply(graph))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown image 'nope'");
    }

    @Test
    void anImageNamedLikeAPublicImageIsNotItsOwnParent() {
        TestTree t = new TestTree(tmp)
                .file("deja.yaml", "images:\n  python:\n    dockerfile: py/Dockerfile\n")
                .file("py/Dockerfile", "FROM python:3.11-slim\n");
        assertThat(ProjectFixture.graph(t).parents("python")).isEmpty();
    }

    @Test
    void cycleIsPrintedWithWhereEachEdgeIsWritten() {
        TestTree t = new TestTree(tmp)
                .file(
                        "deja.yaml",
                        "images:\n  a:\n    dockerfile: a/Dockerfile\n"
                                + "  b:\n    dockerfile: b/Dockerfile\n  c:\n    dockerfile: c/Dockerfile\n")
                .file("a/Dockerfile", "FROM b\n")
                .file("b/Dockerfile", "FROM alpine\nCOPY --from=c / /\n")
                .file("c/Dockerfile", "FROM a\n");
        assertThatThrownBy(() -> ProjectFixture.graph(t))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dependency cycle: a -> b -> c -> a")
                .hasMessageContaining("b uses c by --from at b/Dockerfile:2");
    }

    @Test
    void discoveryWithoutConfigNamesImagesAfterTheirFolder() throws Exception {
        TestTree t = new TestTree(tmp.resolve("repo"))
                .file("api/Dockerfile", "FROM base\n")
                .file("base/Dockerfile", "FROM alpine\n")
                .file("api/worker.Dockerfile", "FROM api\n")
                .file("tools/Dockerfile.lint", "FROM alpine\n")
                .file("api/Dockerfile.dockerignore", "x\n");
        new ProcessBuilder("git", "init", "-q")
                .directory(t.root().toFile())
                .start()
                .waitFor();
        ImageGraph graph = ImageGraph.of(new ProjectLoader().load(t.path("api"), null));
        assertThat(graph.names()).containsExactlyInAnyOrder("api", "base", "api-worker", "tools-lint");
        assertThat(parents(graph, "api-worker")).containsExactly("api");
        assertThat(parents(graph, "api")).containsExactly("base");
    }

    @Test
    void aReferencePinnedByDigestIsNeverAnImageOfTheProject() {
        TestTree t = new TestTree(tmp.resolve("pinned"))
                .file(
                        "deja.yaml",
                        "images:\n  base:\n    dockerfile: base/Dockerfile\n  app:\n    dockerfile: app/Dockerfile\n")
                .file("base/Dockerfile", "FROM alpine\n")
                .file("app/Dockerfile", "FROM base:1@sha256:" + "a".repeat(64) + "\nCOPY --from=base /x /x\n");
        ImageGraph graph = ImageGraph.of(new ProjectLoader().load(t.root(), null));
        assertThat(graph.parents("app")).extracting(Dependency::how).containsExactly("--from");
        assertThat(graph.resolve("base@sha256:" + "a".repeat(64))).isEmpty();
        assertThat(graph.resolve("base:1")).contains("base");
    }

    @Test
    void anInlineDockerfileIsReadFromTheConfig() {
        TestTree t = new TestTree(tmp.resolve("inline"))
                .file(
                        "deja.yaml",
                        "images:\n  base:\n    dockerfile: base/Dockerfile\n  app:\n"
                                + "    dockerfile_inline: \"FROM base\\nCOPY . /app\\n\"\n    context: app\n")
                .file("base/Dockerfile", "FROM alpine\n")
                .file("app/main.sh", "echo\n");
        ImageGraph graph = ImageGraph.of(new ProjectLoader().load(t.root(), null));
        assertThat(parents(graph, "app")).containsExactly("base");
        assertThat(graph.dockerfile("app").instructions()).hasSize(2);
    }

    @Test
    void aContextHoldingABuildersOutputReadsItUnlessItsIgnoreRulesLeaveItOut() {
        TestTree t = new TestTree(tmp.resolve("outputs"))
                .file(
                        "deja.yaml",
                        "images:\n  builder:\n    dockerfile: builder/Dockerfile\n    output: dist/bin\n"
                                + "  reads:\n    dockerfile: reads/Dockerfile\n    context: .\n"
                                + "  ignores:\n    dockerfile: ignores/Dockerfile\n    context: .\n"
                                + "    exclude: [dist]\n")
                .file("builder/Dockerfile", "FROM alpine\n")
                .file("reads/Dockerfile", "FROM alpine\nCOPY dist/bin /bin\n")
                .file("ignores/Dockerfile", "FROM alpine\n");
        ImageGraph graph = ImageGraph.of(new ProjectLoader().load(t.root(), null));
        assertThat(graph.parents("reads")).extracting(Dependency::how).containsExactly("output dist/bin");
        assertThat(graph.parents("ignores")).isEmpty();
    }

    private static List<String> parents(ImageGraph graph, String name) {
        return graph.parents(name).stream().map(Dependency::parent).toList();
    }
}
