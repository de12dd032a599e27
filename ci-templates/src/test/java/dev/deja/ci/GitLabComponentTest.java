package dev.deja.ci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.sun.net.httpserver.HttpServer;
import dev.deja.registry.RegistryClient;
import dev.deja.registry.Repository;
import dev.deja.registry.auth.CredentialSource;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GitLab component run by gitlab-ci-local 4.73.0 (shell executor) with the real jar, registry and dockerd on a
 * copy of examples/monorepo: the job, its dotenv, a second pipeline reusing everything, the inputs GitLab refuses,
 * and the fan-out child pipeline that deja ci gitlab writes.
 */
class GitLabComponentTest {

    private static final List<String> PUSHED = List.of("base", "shared", "service1", "service2", "admin", "web");

    @TempDir
    Path tmp;

    private GitLabFixture project;

    @BeforeEach
    void setUp() throws Exception {
        project = GitLabFixture.create(tmp);
    }

    private void include(String how, String inputs) throws Exception {
        project.file(".gitlab-ci.yml", "include:\n  - " + how + "\n    inputs:\n" + inputs);
        project.commit("pipeline");
    }

    private String component(String name) {
        return "component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/" + name + "@$CI_COMMIT_SHA";
    }

    private String stateDigest(String image, String tag) {
        RegistryClient client = RegistryClient.create(
                CredentialSource.of(Map.of(project.registries.authenticated(), project.registries.credentials())),
                Set.of());
        return client.exists(Repository.parse(project.prefix + "/" + image), tag)
                .map(d -> d.digest())
                .orElse("");
    }

    @Test
    void theComponentBuildsPublishesItsDotenvAndASecondPipelineReusesEverything() throws Exception {
        include(component("deja"), project.inputs("      ") + "      services: []\n");
        Commands.Result first = project.pipeline();
        assertThat(first.code()).as(first.output()).isZero();
        assertThat(first.output()).contains("Login Succeeded").contains("PASS  deja-build");
        Map<String, String> env = project.dotenv("deja.env");
        JsonNode report = new ObjectMapper()
                .readTree(project.root.resolve("deja-report.json").toFile());
        assertThat(report.path("succeeded").asBoolean()).isTrue();
        Map<String, String> states = new HashMap<>();
        report.path("images")
                .forEach(
                        i -> states.put(i.path("name").asText(), i.path("state").asText()));
        for (String image : PUSHED) {
            String variable = "DEJA_" + image.toUpperCase() + "_";
            assertThat(env).containsEntry(variable + "RESULT", "built");
            assertThat(env.get(variable + "IMAGE"))
                    .isEqualTo(project.prefix + "/" + image + "@" + stateDigest(image, states.get(image)));
        }
        assertThat(env)
                .containsEntry("DEJA_WHEELS_RESULT", "exported")
                .containsEntry("DEJA_WHEELS_IMAGE", "")
                .hasSize(2 * 7 + 2);

        // The job's digest cache, where the component points deja (a shell runner keeps it in the checkout; the
        // second pipeline's reuse shows it is in no context).
        assertThat(project.root.resolve(".deja-cache/digests.bin")).isNotEmptyFile();

        project.commit("second pipeline, nothing changed");
        Commands.Result second = project.pipeline();
        assertThat(second.code()).as(second.output()).isZero();
        Map<String, String> again = project.dotenv("deja.env");
        for (String image : PUSHED) {
            String variable = "DEJA_" + image.toUpperCase() + "_";
            assertThat(again)
                    .containsEntry(variable + "RESULT", "reused")
                    .containsEntry(variable + "IMAGE", env.get(variable + "IMAGE"));
        }
        assertThat(again.get("DEJA_REUSED").split(",")).containsExactlyInAnyOrderElementsOf(PUSHED);
        assertThat(stateDigest("service1", project.git("rev-parse", "HEAD")))
                .isEqualTo(env.get("DEJA_SERVICE1_IMAGE").replaceFirst(".*@", ""));
    }

    @Test
    void theSameFileWorksThroughIncludeRemote() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] template =
                Files.readAllBytes(GitLabFixture.PROJECT.resolve("ci-templates/gitlab/templates/deja/template.yml"));
        server.createContext("/deja/template.yml", exchange -> {
            exchange.sendResponseHeaders(200, template.length);
            exchange.getResponseBody().write(template);
            exchange.close();
        });
        server.start();
        try {
            include(
                    "remote: http://127.0.0.1:" + server.getAddress().getPort() + "/deja/template.yml",
                    project.inputs("      ") + "      services: []\n      args: --upto shared\n");
            Commands.Result run = project.pipeline();
            assertThat(run.code()).as(run.output()).isZero();
            assertThat(project.dotenv("deja.env"))
                    .containsEntry("DEJA_SHARED_RESULT", "built")
                    .doesNotContainKey("DEJA_SERVICE1_RESULT");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theSameFileWorksThroughIncludeProject() throws Exception {
        // gitlab-ci-local fetches a project include from the GitLab server into its include cache and uses the
        // cached file when it is there: the file is put there, as a fetch from acme/deja-ci at 0.1.0 would.
        Path cached = project.root.resolve(
                ".gitlab-ci-local/includes/gitlab.example.com/acme/deja-ci/0.1.0/" + "templates/deja/template.yml");
        Files.createDirectories(cached.getParent());
        Files.copy(GitLabFixture.PROJECT.resolve("ci-templates/gitlab/templates/deja/template.yml"), cached);
        project.file(".gitignore", ".gitlab-ci-local/\n");
        project.file(
                ".gitlab-ci.yml",
                "include:\n  - project: acme/deja-ci\n    ref: 0.1.0\n"
                        + "    file: templates/deja/template.yml\n    inputs:\n" + project.inputs("      ")
                        + "      services: []\n      args: --upto admin\n");
        project.commit("include: project");
        Commands.Result run = project.pipeline();
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(project.dotenv("deja.env"))
                .containsEntry("DEJA_ADMIN_RESULT", "built")
                .containsEntry("DEJA_BASE_RESULT", "built")
                .doesNotContainKey("DEJA_SHARED_RESULT");
    }

    @Test
    void aWrongJarChecksumIsRefusedBeforeAnythingRuns() throws Exception {
        include(
                component("deja"),
                project.inputs("      ").replace(project.jarSha256, "0".repeat(64)) + "      services: []\n");
        Commands.Result run = project.pipeline();
        assertThat(run.code()).isNotZero();
        assertThat(run.output())
                .contains("does not match jar-sha256 " + "0".repeat(64))
                .doesNotContain("Login Succeeded");
    }

    @Test
    void inputsGitLabRefusesAreRefused() throws Exception {
        Map<String, String> cases = Map.of(
                "      jobs: 2\n",
                "`version` input: required value has not been provided",
                "      version: 0.1.0\n      progress: fancy\n",
                "`progress` input: `fancy` cannot be used because it is not in the list of allowed options",
                "      version: 0.1.0\n      jobs: many\n",
                "`jobs` input: provided value is not a number",
                "      version: 0.1.0\n      login: maybe\n",
                "`login` input: provided value is not a boolean",
                "      version: latest\n",
                "`version` input: `latest` does not match required regex");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            include(component("deja"), c.getKey());
            Commands.Result run = project.pipeline("--list");
            assertThat(run.code()).as(c.getKey()).isNotZero();
            assertThat(run.output()).as(c.getKey()).contains(c.getValue());
        }
        // gitlab-ci-local does not check input names; GitLab does ("unknown input arguments"): so do these tests,
        // on the same fixture, against the template's spec.
        include(component("deja"), "      version: 0.1.0\n      colour: red\n");
        assertThat(unknownInputs("deja")).containsExactly("colour");
        include(component("deja"), project.inputs("      "));
        assertThat(unknownInputs("deja")).isEmpty();
    }

    /** The include's input names that the template's spec does not declare (GitLab: "unknown input arguments"). */
    private List<String> unknownInputs(String template) throws Exception {
        YAMLMapper yaml = new YAMLMapper();
        JsonNode pipeline = yaml.readTree(project.root.resolve(".gitlab-ci.yml").toFile());
        String spec = Files.readString(project.root.resolve("templates/" + template + "/template.yml"));
        JsonNode declared = yaml.readTree(spec.substring(0, spec.indexOf("\n---\n")))
                .path("spec")
                .path("inputs");
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> names =
                        pipeline.path("include").get(0).path("inputs").fieldNames();
                names.hasNext(); ) {
            String name = names.next();
            if (!declared.has(name)) {
                unknown.add(name);
            }
        }
        return unknown;
    }

    @Test
    void theFanOutChildPipelineRunsItsJobsInTheOrderOfTheGraph() throws Exception {
        include(component("deja-fanout"), project.inputs("      ") + "      service: \"\"\n");
        Commands.Result plan = project.pipeline("deja-plan");
        assertThat(plan.code()).as(plan.output()).isZero();
        Path child = project.root.resolve("deja-pipeline.yml");
        JsonNode pipeline = new YAMLMapper().readTree(child.toFile());
        assertThat(pipeline.path("deja:build:service1").path("needs").toString())
                .isEqualTo("[\"deja:build:shared\"]");
        assertThat(pipeline.path("deja:build:web").path("needs").toString())
                .isEqualTo("[\"deja:build:base\",\"deja:build:shared\"]");

        // The trigger job forwards the plan job's variables (the scripts themselves are in the child's
        // before_script): give the child run the ones the scripts read.
        JsonNode variables = new YAMLMapper()
                .readTree(project.root
                        .resolve(".gitlab-ci-local/expanded-gitlab-ci.yml")
                        .toFile())
                .path("deja-plan")
                .path("variables");
        StringBuilder file = new StringBuilder();
        for (String name : List.of("DEJA_VERSION", "DEJA_JAR_SHA256", "DEJA_JAR_URL", "DEJA_REGISTRY")) {
            file.append(name).append(": ").append(variables.path(name)).append('\n');
        }
        project.file(".child-variables.yml", file.toString());
        Commands.Result run =
                project.pipeline("--file", "deja-pipeline.yml", "--variables-file", ".child-variables.yml");
        assertThat(run.code()).as(run.output()).isZero();
        List<String> events = run.output()
                .lines()
                .filter(l -> l.matches("^deja:\\S+\\s+(starting|finished).*"))
                .toList();
        for (Iterator<String> jobs = pipeline.fieldNames(); jobs.hasNext(); ) {
            String job = jobs.next();
            for (JsonNode need : pipeline.path(job).path("needs")) {
                assertThat(index(events, need.asText(), "finished"))
                        .as(job + " after " + need.asText())
                        .isLessThan(index(events, job, "starting"));
            }
        }
        int finish = index(events, "deja:finish", "starting");
        for (String image : PUSHED) {
            assertThat(index(events, "deja:build:" + image, "finished")).isLessThan(finish);
        }
        assertThat(run.output()).contains("moving tags written: main");
        Map<String, String> env = project.dotenv("deja.env");
        assertThat(stateDigest("service1", "main"))
                .isEqualTo(env.get("DEJA_SERVICE1_IMAGE").replaceFirst(".*@", ""))
                .startsWith("sha256:");
    }

    private static int index(List<String> events, String job, String what) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).matches("^" + Pattern.quote(job) + "\\s+" + what + ".*")) {
                return i;
            }
        }
        throw new AssertionError(job + " never " + what + ": " + events);
    }
}
