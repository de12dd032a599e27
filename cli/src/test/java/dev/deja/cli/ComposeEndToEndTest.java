package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import dev.deja.registry.RegistryClient;
import dev.deja.registry.Repository;
import dev.deja.registry.TestRegistries;
import dev.deja.registry.auth.CredentialSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        String registry = TestRegistries.namespace(TestRegistries.require().plain(), "compose");
        // Named contexts (additional_contexts) need a current BuildKit: dockerd 20.10's built-in one refuses them.
        Sandbox sandbox = Sandbox.currentEngine(tmp).with("REGISTRY", registry);
        TestTree shop = TestTree.copyOf(
                Path.of("..", "examples", "compose-shop").toAbsolutePath().normalize(), tmp.resolve("shop"));
        sandbox.gitInit(shop.root());

        Run plan = sandbox.deja(shop.root(), "plan", "--offline");
        assertThat(plan.code()).as(plan.stderr()).isZero();
        assertThat(plan.stdout()).contains("base").contains("python-app").contains("web");

        Run build = sandbox.deja(shop.root(), "build", "--push");
        assertThat(build.code()).as(build.stderr()).isZero();
        assertThat(ExampleRepo.results(build))
                .containsEntry("base", "built")
                .containsEntry("python-app", "built")
                .containsEntry("web", "built");
        RegistryClient client = RegistryClient.create(CredentialSource.anonymous(), Set.of());
        assertThat(client.exists(Repository.parse(registry + "/python-app"), "dev"))
                .isPresent();

        // compose pulls the tags its image: lines name and runs them: what deja built, from its contexts.
        sandbox.run(shop.root(), "docker", "compose", "pull", "api", "web");
        String api = sandbox.run(shop.root(), "docker", "compose", "run", "--rm", "--no-deps", "api");
        assertThat(api).contains("role api").contains("shop base").contains("python 3.12 release");
        String web = sandbox.run(shop.root(), "docker", "compose", "run", "--rm", "--no-deps", "admin");
        assertThat(web).contains("<h1>shop</h1>").contains("built for the web");

        // deja env: the states' references; compose runs exactly those images under their services.
        Run dotenv = sandbox.deja(shop.root(), "env");
        assertThat(dotenv.code()).as(dotenv.stderr()).isZero();
        assertThat(dotenv.stderr()).as("every image is in the registry").isEmpty();
        Map<String, String> variables = new HashMap<>();
        dotenv.stdout().lines().forEach(line -> {
            assertThat(line).matches("DEJA_[A-Z0-9_]+_IMAGE=[^=\\s]+:s1-[0-9a-f]{40}@sha256:[0-9a-f]{64}");
            variables.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        });
        assertThat(variables).containsOnlyKeys("DEJA_BASE_IMAGE", "DEJA_PYTHON_APP_IMAGE", "DEJA_WEB_IMAGE");
        Run override = sandbox.deja(shop.root(), "env", "--format", "compose");
        assertThat(override.code()).as(override.stderr()).isZero();
        Files.writeString(shop.path("compose.deja.yaml"), override.stdout());
        assertThat(sandbox.deja(shop.root(), "plan").stdout())
                .as("writing compose.deja.yaml changes no state")
                .doesNotContain(" build ");
        String config = composeWithOverride(sandbox, shop, "config");
        assertThat(config).contains("image: " + variables.get("DEJA_PYTHON_APP_IMAGE"));
        Run pull = sandbox.deja(shop.root(), "pull");
        assertThat(pull.code()).as(pull.stderr()).isZero();
        composeWithOverride(sandbox, shop, "up", "-d", "--no-build", "--no-deps", "api", "admin");
        for (String service : List.of("api", "admin")) {
            String container = composeWithOverride(sandbox, shop, "ps", "-a", "-q", service)
                    .strip();
            String image = sandbox.run(shop.root(), "docker", "inspect", "--format", "{{.Image}}", container)
                    .strip();
            String built = variables.get(service.equals("api") ? "DEJA_PYTHON_APP_IMAGE" : "DEJA_WEB_IMAGE");
            assertThat(image)
                    .as(service + " runs the image deja built")
                    .isEqualTo(sandbox.run(shop.root(), "docker", "image", "inspect", "--format", "{{.Id}}", built)
                            .strip());
        }
        composeWithOverride(sandbox, shop, "down");

        Run again = sandbox.deja(shop.root(), "build", "--push");
        assertThat(again.code()).as(again.stderr()).isZero();
        assertThat(ExampleRepo.results(again)).containsValues("reused").doesNotContainValue("built");
        sandbox.run(shop.root(), "docker", "compose", "down", "--rmi", "all");
    }

    /** {@code docker compose -f compose.yaml -f compose.deja.yaml ARGS…} in the project. */
    private static String composeWithOverride(Sandbox sandbox, TestTree project, String... args) throws Exception {
        List<String> command =
                new ArrayList<>(List.of("docker", "compose", "-f", "compose.yaml", "-f", "compose.deja.yaml"));
        command.addAll(List.of(args));
        return sandbox.run(project.root(), command.toArray(String[]::new));
    }
}
