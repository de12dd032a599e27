package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deja.packer.TestTree;
import dev.deja.registry.RegistryClient;
import dev.deja.registry.Repository;
import dev.deja.registry.TestRegistries;
import dev.deja.registry.auth.CredentialSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A base image that moves upstream, for real: a registry serves "upstream" {@code runtime:1}; {@code app} is FROM
 * it, {@code child} FROM app, {@code other} FROM deja-busybox (resolved through the registry standing in for Docker
 * Hub). Moving the tag rebuilds app and child only, on the new base, and {@code why} names both digests; under
 * {@code bases: lock} the same move changes nothing until {@code deja lock --update}.
 */
class BaseImagesEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void aBaseMovedUpstreamRebuildsItsImageAndDescendantsOnlyAndWhyNamesBothDigests() throws Exception {
        Sandbox sandbox = Sandbox.classicEngine(tmp.resolve("home"));
        String id = UUID.randomUUID().toString().substring(0, 8);
        String plain = TestRegistries.require().plain();
        String upstream = plain + "/upstream-" + id + "/runtime:1";
        String registry = plain + "/bases-" + id;
        String v1 = pushUpstream(sandbox, upstream, "v1");
        TestTree repo = new TestTree(tmp.resolve("repo"))
                .file("deja.yaml", config(registry, "track"))
                .file("app/Dockerfile", "FROM " + upstream + "\nRUN cat /runtime > /app\n")
                .file("child/Dockerfile", "FROM app\nRUN cat /app > /child\n")
                .file("other/Dockerfile", "FROM deja-busybox:latest\nRUN echo other > /other\n");
        sandbox.gitInit(repo.root());

        Run first = sandbox.deja(repo.root(), "build", "--push");
        assertThat(first.code()).as(first.stderr()).isZero();
        assertThat(ExampleRepo.results(first)).containsValues("built").doesNotContainValue("reused");
        assertThat(decisions(sandbox, repo)).containsEntry("app", "reuse").containsEntry("child", "reuse");

        String appBefore = states(planJson(sandbox, repo)).get("app");
        String v2 = pushUpstream(sandbox, upstream, "v2");
        assertThat(v2).isNotEqualTo(v1);
        JsonNode plan = planJson(sandbox, repo);
        assertThat(decisions(plan))
                .containsEntry("app", "build")
                .containsEntry("child", "build")
                .containsEntry("other", "reuse");
        assertThat(reasons(plan).get("app")).isEqualTo("base " + upstream + " moved");
        assertThat(reasons(plan).get("child")).isEqualTo("parent app changed");

        Run why = sandbox.deja(repo.root(), "why", "child");
        assertThat(why.code()).as(why.stderr()).isZero();
        assertThat(why.stdout())
                .contains("parent app changed")
                .contains("base " + upstream + " moved from " + v1 + " to " + v2);

        Run second = sandbox.deja(repo.root(), "build", "--push");
        assertThat(second.code()).as(second.stderr()).isZero();
        assertThat(ExampleRepo.results(second))
                .containsEntry("app", "built")
                .containsEntry("child", "built")
                .containsEntry("other", "reused");
        assertThat(second.stdout()).contains("base " + upstream + " moved");
        Run againstState = sandbox.deja(repo.root(), "why", "app", "--against", appBefore);
        assertThat(againstState.stdout())
                .as("against the registry's image of the state before the move")
                .contains("differs from " + registry + "/app:" + appBefore)
                .contains("base " + upstream + " moved from " + v1 + " to " + v2);
        assertThat(sandbox.run(repo.root(), "docker", "run", "--rm", registry + "/child:main", "cat", "/child"))
                .as("child, rebuilt on app rebuilt on the moved base")
                .endsWith("\nv2\n");

        // Under bases: lock, the lock decides: a move upstream changes nothing until deja lock --update.
        repo.file("deja.yaml", config(registry, "lock"));
        Run lock = sandbox.deja(repo.root(), "lock");
        assertThat(lock.code()).as(lock.stderr()).isZero();
        assertThat(lock.stdout()).contains("added   " + upstream + " " + v2);
        assertThat(Files.readString(repo.path("deja.lock"))).contains(upstream + " " + v2);
        assertThat(decisions(sandbox, repo)).containsValues("reuse").doesNotContainValue("build");

        String v3 = pushUpstream(sandbox, upstream, "v3");
        assertThat(decisions(sandbox, repo)).containsValues("reuse").doesNotContainValue("build");
        Run offline = sandbox.deja(repo.root(), "context", "app", "-o", "-");
        assertThat(new String(offline.stdoutBytes(), StandardCharsets.ISO_8859_1))
                .contains("FROM " + upstream + "@" + v2 + "\n");
        Run update = sandbox.deja(repo.root(), "lock", "--update");
        assertThat(update.stdout()).contains("moved   " + upstream + " " + v2 + " -> " + v3);
        assertThat(decisions(sandbox, repo))
                .containsEntry("app", "build")
                .containsEntry("child", "build")
                .containsEntry("other", "reuse");
    }

    private static String config(String registry, String bases) {
        return "registry: " + registry + "\nbases: " + bases + "\ntags: {commit: true, branch: true}\nimages:\n"
                + "  app: {dockerfile: app/Dockerfile}\n  child: {dockerfile: child/Dockerfile}\n"
                + "  other: {dockerfile: other/Dockerfile}\n";
    }

    /** Builds an image with /runtime holding {@code content}, pushes it as {@code reference}; its digest. */
    private String pushUpstream(Sandbox sandbox, String reference, String content) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("upstream-" + content));
        Files.writeString(dir.resolve("Dockerfile"), "FROM deja-busybox:latest\nRUN echo " + content + " > /runtime\n");
        sandbox.run(dir, "docker", "build", "-q", "-t", reference, ".");
        sandbox.run(dir, "docker", "push", "-q", reference);
        return RegistryClient.create(CredentialSource.anonymous(), Set.of())
                .exists(Repository.parse(reference), reference.substring(reference.lastIndexOf(':') + 1))
                .orElseThrow()
                .digest();
    }

    private static JsonNode planJson(Sandbox sandbox, TestTree repo) throws Exception {
        Run plan = sandbox.deja(repo.root(), "plan", "--json");
        assertThat(plan.code()).as(plan.stderr()).isZero();
        return JSON.readTree(plan.stdout());
    }

    private static Map<String, String> decisions(Sandbox sandbox, TestTree repo) throws Exception {
        return decisions(planJson(sandbox, repo));
    }

    private static Map<String, String> decisions(JsonNode plan) {
        Map<String, String> out = new HashMap<>();
        plan.path("images")
                .forEach(
                        i -> out.put(i.path("name").asText(), i.path("decision").asText()));
        return out;
    }

    private static Map<String, String> states(JsonNode plan) {
        Map<String, String> out = new HashMap<>();
        plan.path("images")
                .forEach(
                        i -> out.put(i.path("name").asText(), i.path("stateTag").asText()));
        return out;
    }

    private static Map<String, String> reasons(JsonNode plan) {
        Map<String, String> out = new HashMap<>();
        plan.path("images")
                .forEach(i -> out.put(i.path("name").asText(), i.path("reason").asText()));
        return out;
    }
}
