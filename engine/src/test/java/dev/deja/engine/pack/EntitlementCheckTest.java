package dev.deja.engine.pack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.engine.graph.ImageGraph;
import dev.deja.engine.project.ProjectFixture;
import dev.deja.packer.TestTree;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The entitlements an image's RUN steps need and it is not granted, said before the builder runs with the step's line
 * and where to grant them: deja.yaml, the compose service's build, or, for an image deja discovered, a deja.yaml to
 * write.
 */
class EntitlementCheckTest {

    @TempDir
    Path tmp;

    private static final String DOCKERFILE = "FROM alpine AS fetch\nRUN --network=host wget x\n"
            + "FROM alpine AS debug\nRUN --security=insecure strace ls\n"
            + "FROM alpine\nCOPY --from=fetch /x /x\nRUN --network=host --security=insecure make\n";

    private static String ungranted(TestTree tree, String image) throws Exception {
        ProjectFixture.checkout(tree);
        ImageGraph graph = ProjectFixture.graph(tree);
        return EntitlementCheck.ungranted(graph, graph.project().byName().get(image))
                .orElse(null);
    }

    @Test
    void eachEntitlementIsSaidAtItsFirstStepOfTheStagesBuilt() throws Exception {
        TestTree tree = new TestTree(tmp.resolve("config"))
                .file("deja.yaml", "images:\n  app:\n    dockerfile: app/Dockerfile\n")
                .file("app/Dockerfile", DOCKERFILE);
        assertThat(ungranted(tree, "app"))
                .isEqualTo("app/Dockerfile:2: RUN --network=host needs the network.host entitlement;"
                        + " app/Dockerfile:7: RUN --security=insecure needs the security.insecure entitlement: grant"
                        + " them to image 'app' with entitlements: [network.host, security.insecure] in deja.yaml"
                        + " (the builder must allow them too)");

        tree.file("deja.yaml", "images:\n  app:\n    dockerfile: app/Dockerfile\n    entitlements: [network.host]\n");
        assertThat(ungranted(tree, "app")).startsWith("app/Dockerfile:7: RUN --security=insecure needs");

        tree.file(
                "deja.yaml",
                "images:\n  app:\n    dockerfile: app/Dockerfile\n    target: fetch\n"
                        + "    entitlements: [network.host]\n");
        assertThat(ungranted(tree, "app")).isNull();
    }

    @Test
    void composeAndDiscoveredImagesAreToldWhereToGrantThem() throws Exception {
        TestTree compose = new TestTree(tmp.resolve("compose"))
                .file("compose.yaml", "services:\n  web:\n    build:\n      context: app\n")
                .file("app/Dockerfile", "FROM alpine\nRUN --network=host make\n");
        assertThat(ungranted(compose, "web"))
                .isEqualTo("app/Dockerfile:2: RUN --network=host needs the network.host entitlement: add"
                        + " entitlements: [network.host] to the build: of service 'web' in compose.yaml (the builder"
                        + " must allow it too)");

        TestTree discovered = new TestTree(tmp.resolve("discovered"))
                .file("api/Dockerfile", "FROM alpine\nRUN --network=host make\n");
        assertThat(ungranted(discovered, "api"))
                .isEqualTo("api/Dockerfile:2: RUN --network=host needs the network.host entitlement: write image"
                        + " 'api' under images: in deja.yaml (deja init -o deja.yaml writes what deja found) with"
                        + " entitlements: [network.host] (the builder must allow it too)");
    }
}
