package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deja init} writes a deja.yaml that gives back the same images and states. */
class InitCommandTest {

    @TempDir
    Path tmp;

    private static TestTree gitInit(TestTree tree) throws Exception {
        Sandbox.gitInitOnly(tree.root());
        return tree;
    }

    @Test
    void discoveredImagesAreListedAndKeepTheirStates() throws Exception {
        TestTree tree = gitInit(new TestTree(tmp.resolve("repo"))
                .file("go.mod", "module acme\n")
                .file("docker/api/Dockerfile", "FROM alpine\nCOPY go.mod /src/\n")
                .file("services/a/proto/Dockerfile", "FROM alpine\nCOPY . /p\n")
                .file("services/b/proto/Dockerfile", "FROM alpine\nARG V=\"a b\"\nCOPY . /p\n")
                .file("deploy/Dockerfile.j2", "FROM {{ x }}\n"));
        Run before = Run.of("-C", tree.root().toString(), "state", "--offline");
        assertThat(before.code()).as(before.stderr()).isZero();
        assertThat(before.stderr()).contains("deploy/Dockerfile.j2: skipped");

        Run init = Run.of("-C", tree.root().toString(), "init");
        assertThat(init.code()).as(init.stderr()).isZero();
        assertThat(init.stdout()).startsWith("wrote deja.yaml: 3 images from the Dockerfiles of the checkout");
        String written = tree.read("deja.yaml");
        assertThat(written)
                .contains("images:\n  api:\n    dockerfile: docker/api/Dockerfile\n    context: .\n")
                .contains("  a-proto:\n    dockerfile: services/a/proto/Dockerfile\n")
                .contains("#   deploy/Dockerfile.j2: skipped: a template");

        Run after = Run.of("-C", tree.root().toString(), "state", "--offline");
        assertThat(after.code()).as(after.stderr()).isZero();
        assertThat(after.stdout()).isEqualTo(before.stdout());
        assertThat(after.stderr().lines().filter(line -> !line.contains("not resolved offline")))
                .as("the config names every image: nothing is discovered")
                .isEmpty();

        Run again = Run.of("-C", tree.root().toString(), "init");
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.stderr()).contains("deja.yaml: already exists: --force replaces it");
    }

    @Test
    void aComposeProjectIsNamedWithFromAndItsImagesListedAsComments() throws Exception {
        TestTree tree = gitInit(TestTree.copyOf(
                Path.of("..", "examples", "compose-shop").toAbsolutePath().normalize(), tmp.resolve("shop")));
        Map<String, String> env = Map.of("DEJA_DIGEST_CACHE", "off", "REGISTRY", "registry.example.com/shop");
        Run before = Run.withEnvironment(env, "-C", tree.root().toString(), "state", "--offline");
        assertThat(before.code()).as(before.stderr()).isZero();

        Run printed = Run.withEnvironment(env, "-C", tree.root().toString(), "init", "-o", "-");
        assertThat(printed.code()).as(printed.stderr()).isZero();
        assertThat(printed.stdout())
                .contains("\nfrom: compose.yaml\n")
                .contains("#   python-app:\n#     dockerfile: services/python/Dockerfile\n")
                .contains("#     contexts:\n#       base: target:base\n");
        tree.file("deja.yaml", printed.stdout());
        Run after = Run.withEnvironment(env, "-C", tree.root().toString(), "state", "--offline");
        assertThat(after.code()).as(after.stderr()).isZero();
        assertThat(after.stdout()).isEqualTo(before.stdout());
    }

    /**
     * A compose file where one service's image: names a registry and another service has none: the other commands
     * refuse it (where would web live?), init still drafts a deja.yaml and suggests the registry the named image
     * uses; with it uncommented every command takes the project.
     */
    @Test
    void imagesWithAndWithoutARegistryAreRefusedButInitSuggestsOne() throws Exception {
        TestTree tree = gitInit(new TestTree(tmp.resolve("mixed"))
                .file(
                        "compose.yaml",
                        "services:\n  api:\n    build: api\n    image: ghcr.io/acme/shop/api:${TAG:-dev}\n"
                                + "  web:\n    build: web\n  db:\n    image: postgres:16\n")
                .file("api/Dockerfile", "FROM scratch\nCOPY . /\n")
                .file("web/Dockerfile", "FROM scratch\nCOPY . /\n"));
        Run state = Run.of("-C", tree.root().toString(), "state", "--offline");
        assertThat(state.code()).isEqualTo(2);
        assertThat(state.stderr())
                .startsWith("deja: error: " + tree.root().resolve("compose.yaml") + ":5: image 'web' has no registry"
                        + " while other images name theirs: set registry: in deja.yaml (or --registry), or give it a"
                        + " repository with a registry host (deja init -o - suggests one)")
                .hasLineCount(1);

        Run init = Run.of("-C", tree.root().toString(), "init", "-o", "-");
        assertThat(init.code()).as(init.stderr()).isZero();
        assertThat(init.stdout())
                .contains("# api names its registry, web names none: deja cannot tell where it lives.")
                .contains("\n# registry: ghcr.io/acme/shop\n")
                .contains("\nfrom: compose.yaml\n");

        tree.file("deja.yaml", init.stdout().replace("# registry: ", "registry: "));
        Run fixed = Run.of("-C", tree.root().toString(), "plan", "--offline", "--json");
        assertThat(fixed.code()).as(fixed.stderr()).isZero();
        assertThat(fixed.stdout())
                .contains("\"repository\" : \"ghcr.io/acme/shop/api\"")
                .contains("\"repository\" : \"ghcr.io/acme/shop/web\"");
    }

    @Test
    void aTreeWithManyNoticesGetsAFewAndACountOnEveryCommandAndAllFromInit() throws Exception {
        TestTree tree = new TestTree(tmp.resolve("many")).file("ok/Dockerfile", "FROM scratch\n");
        for (int i = 1; i <= 8; i++) {
            tree.file("templates/t" + i + "/Dockerfile.tmpl", "FROM {{ base }}\n");
        }
        gitInit(tree);
        Run plan = Run.of("-C", tree.root().toString(), "plan", "--offline");
        assertThat(plan.code()).as(plan.stderr()).isZero();
        assertThat(plan.stderr().lines()).hasSize(6);
        assertThat(plan.stderr()).endsWith("deja: … and 3 more notices like these (deja init -o - lists them all)\n");
        Run init = Run.of("-C", tree.root().toString(), "init", "-o", "-");
        assertThat(init.stdout().lines().filter(l -> l.contains(": skipped: a template")))
                .hasSize(8);
    }
}
