package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import dev.deja.registry.RegistryClient;
import dev.deja.registry.Repository;
import dev.deja.registry.TestRegistries;
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
 * A compose project with no deja.yaml, for real: deja plans and pushes its images, then docker compose (v2) pulls
 * and runs exactly what deja built, under the names the compose file gives them. On the current engine (dockerd
 * 26): the project uses a named context.
 */
class ComposeEndToEndTest {

    @TempDir
    Path tmp;

    @Test
    void dockerComposePullsAndRunsWhatDejaBuilt() throws Exception {
        TestRegistries registries = TestRegistries.require();
        // Named contexts (additional_contexts) need a current BuildKit: dockerd 20.10's built-in one refuses them.
        Assumptions.assumeTrue(
                registries.currentDockerHost().isPresent(), "no current test dockerd: scripts/test-env.sh --docker");
        TestTree shop = TestTree.copyOf(
                Path.of("..", "examples", "compose-shop").toAbsolutePath().normalize(), tmp.resolve("shop"));
        String registry =
                registries.plain() + "/compose-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> env = new HashMap<>(Map.of(
                "DOCKER_HOST", registries.currentDockerHost().get(),
                "HOME", tmp.toString(),
                "PATH", System.getenv("PATH"),
                "DEJA_DIGEST_CACHE", "off",
                "REGISTRY", registry));
        run(shop.root(), env, "git", "init", "-q", "-b", "main");
        run(
                shop.root(),
                env,
                "git",
                "-c",
                "user.email=t@example.com",
                "-c",
                "user.name=t",
                "commit",
                "-q",
                "--allow-empty",
                "-m",
                "x");

        Run plan = Run.withEnvironment(env, "-C", shop.root().toString(), "plan", "--offline");
        assertThat(plan.code()).as(plan.stderr()).isZero();
        assertThat(plan.stdout()).contains("base").contains("python-app").contains("web");

        Run build = Run.withEnvironment(env, "-C", shop.root().toString(), "build", "--push");
        assertThat(build.code()).as(build.stderr()).isZero();
        assertThat(ExampleRepo.results(build))
                .containsEntry("base", "built")
                .containsEntry("python-app", "built")
                .containsEntry("web", "built");
        RegistryClient client = RegistryClient.create(CredentialSource.anonymous(), Set.of());
        assertThat(client.exists(Repository.parse(registry + "/python-app"), "dev"))
                .isPresent();

        // compose pulls the tags its image: lines name and runs them: what deja built, from its contexts.
        run(shop.root(), env, "docker", "compose", "pull", "api", "web");
        String api = run(shop.root(), env, "docker", "compose", "run", "--rm", "--no-deps", "api");
        assertThat(api).contains("role api").contains("shop base").contains("python 3.12 release");
        String web = run(shop.root(), env, "docker", "compose", "run", "--rm", "--no-deps", "admin");
        assertThat(web).contains("<h1>shop</h1>").contains("built for the web");

        Run again = Run.withEnvironment(env, "-C", shop.root().toString(), "build", "--push");
        assertThat(again.code()).as(again.stderr()).isZero();
        assertThat(ExampleRepo.results(again)).containsValues("reused").doesNotContainValue("built");
        run(shop.root(), env, "docker", "compose", "down", "--rmi", "all");
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
