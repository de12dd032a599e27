package dev.deja.engine.project;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.engine.config.DiscoverConfig;
import dev.deja.engine.graph.Dependency;
import dev.deja.engine.graph.ImageGraph;
import dev.deja.packer.TestTree;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery on a tree shaped like the real monorepos deja stopped on: it skips what it cannot use, never stops. */
class DiscoveryTest {

    @TempDir
    Path tmp;

    /** A root context with Dockerfiles deep inside, same-named folders, templates, vendored code, odd names. */
    static TestTree messyRepo(Path root) {
        return new TestTree(root)
                .file("go.mod", "module acme\n")
                .file("cmd/api/main.go", "package main\n")
                .file("Dockerfile", "FROM golang:1.22\nCOPY go.mod /src/\n")
                .file("docker/api/Dockerfile", "FROM golang:1.22\nCOPY go.mod /src/\nCOPY cmd/api /src/cmd/api\n")
                .file("services/checkout/genproto/Dockerfile", "FROM alpine\nCOPY . /proto\n")
                .file("services/payment/genproto/Dockerfile", "FROM alpine\nCOPY . /proto\n")
                .file("services/payment/Dockerfile", "FROM alpine\n")
                .file("deploy/Dockerfile.j2", "FROM {{ base }}\n")
                .file("tools/needs-arg/Dockerfile", "ARG BASE_IMAGE\nFROM $BASE_IMAGE\n")
                .file("tools/empty/Dockerfile", "# nothing yet\n")
                .file("vendor/github.com/x/Dockerfile", "FROM nope\n")
                .file("web/node_modules/pkg/Dockerfile", "FROM nope\n")
                .file(".devcontainer/Dockerfile", "FROM mcr.microsoft.com/devcontainers/base\n")
                .file("src/main/java/Dockerfile.java", "class Dockerfile {}\n")
                .file("build/app.dockerfile", "FROM alpine\n")
                .file("Über App/Dockerfile", "FROM alpine\n")
                .file("bin-linux/Dockerfile", "FROM alpine\n")
                .file("release/Dockerfile", "FROM --platform=$BUILDPLATFORM bin-$TARGETOS AS bin\nFROM alpine\n");
    }

    private static Project load(TestTree tree) throws Exception {
        ProjectFixture.checkout(tree);
        return new ProjectLoader().load(tree.root(), null);
    }

    private static Map<String, ImageDefinition> byDockerfile(Project project) {
        return project.images().stream().collect(Collectors.toMap(ImageDefinition::dockerfile, i -> i));
    }

    private static List<String> notices(Project project) {
        return project.notices().stream().map(n -> n.describe(project.root())).toList();
    }

    @Test
    void oneOddDockerfileNeverStopsTheOthers() throws Exception {
        Project project = load(messyRepo(tmp.resolve("checkout")));
        assertThat(project.images())
                .extracting(ImageDefinition::name)
                .containsExactlyInAnyOrder(
                        "root",
                        "api",
                        "checkout-genproto",
                        "payment-genproto",
                        "payment",
                        "build-app",
                        "bin-linux",
                        "release",
                        "uber-app");
        assertThat(notices(project))
                .anySatisfy(n -> assertThat(n).startsWith("deploy/Dockerfile.j2: skipped: a template (.j2)"))
                .anySatisfy(n -> assertThat(n)
                        .startsWith("tools/needs-arg/Dockerfile:2: skipped: FROM $BASE_IMAGE")
                        .contains("BASE_IMAGE"))
                .anySatisfy(n -> assertThat(n).startsWith("tools/empty/Dockerfile: skipped: no FROM"))
                .noneSatisfy(n -> assertThat(n).contains("vendor/", "node_modules/", ".devcontainer", ".java"));
    }

    @Test
    void sameFolderNamesAreAllNamedByTheirParentsInOneNotice() throws Exception {
        Project project = load(messyRepo(tmp.resolve("checkout")));
        assertThat(byDockerfile(project)
                        .get("services/checkout/genproto/Dockerfile")
                        .name())
                .isEqualTo("checkout-genproto");
        assertThat(notices(project))
                .filteredOn(n -> n.contains("share a folder name"))
                .singleElement()
                .satisfies(n -> assertThat(n)
                        .contains("services/checkout/genproto/Dockerfile → checkout-genproto")
                        .contains("services/payment/genproto/Dockerfile → payment-genproto"));
    }

    @Test
    void namesDoNotDependOnTheCheckoutFolder() throws Exception {
        List<String> first = load(messyRepo(tmp.resolve("one"))).images().stream()
                .map(i -> i.name() + "=" + i.dockerfile())
                .sorted()
                .toList();
        List<String> second = load(messyRepo(tmp.resolve("another-name"))).images().stream()
                .map(i -> i.name() + "=" + i.dockerfile())
                .sorted()
                .toList();
        assertThat(second).isEqualTo(first).contains("root=Dockerfile");
    }

    @Test
    void contextIsTheAncestorWhereCopySourcesAre() throws Exception {
        Project project = load(messyRepo(tmp.resolve("checkout")));
        Map<String, ImageDefinition> images = byDockerfile(project);
        assertThat(images.get("docker/api/Dockerfile").context()).isEmpty();
        assertThat(images.get("services/checkout/genproto/Dockerfile").context())
                .isEqualTo("services/checkout/genproto");
        assertThat(images.get("Dockerfile").context()).isEmpty();
        assertThat(notices(project)).anySatisfy(n -> assertThat(n)
                .startsWith("docker/api/Dockerfile:2: context is the repository root, not docker/api/")
                .contains("'go.mod'"));
    }

    /** What a RUN step bind-mounts from the context counts as COPY does (docker init's Dockerfiles copy nothing). */
    @Test
    void contextIsTheAncestorWhereBindMountedSourcesAre() throws Exception {
        TestTree tree = new TestTree(tmp.resolve("bind"))
                .file("go.mod", "module x\n")
                .file("go.sum", "")
                .file(
                        "services/api/Dockerfile",
                        "FROM golang\nRUN --mount=type=cache,target=/go/pkg/mod"
                                + " --mount=type=bind,source=go.sum,target=go.sum"
                                + " --mount=type=bind,source=go.mod,target=go.mod go mod download\n"
                                + "RUN --mount=type=bind,target=. go build -o /bin/api ./services/api\n")
                .file("services/api/main.go", "package main\n");
        ProjectFixture.checkout(tree);
        Project project = load(tree);
        assertThat(byDockerfile(project).get("services/api/Dockerfile").context())
                .isEmpty();
        assertThat(notices(project)).anySatisfy(n -> assertThat(n)
                .startsWith("services/api/Dockerfile:2: context is the repository root, not services/api/: RUN"
                        + " --mount sources such as 'go.sum'"));
    }

    /** Two stars cross folders: a source nested deeper than one folder is found from the ancestor that holds it. */
    @Test
    void contextIsTheAncestorWhereSourcesUnderTwoStarsAre() throws Exception {
        TestTree tree = new TestTree(tmp.resolve("stars"))
                .file("packages/ui/lib/package.json", "{}\n")
                .file("tools/web/Dockerfile", "FROM node\nCOPY --parents packages/**/package.json /app/\n");
        ProjectFixture.checkout(tree);
        Project project = load(tree);
        assertThat(byDockerfile(project).get("tools/web/Dockerfile").context()).isEmpty();
    }

    @Test
    void platformArgsInFromMakeParents() throws Exception {
        ImageGraph graph = ImageGraph.of(load(messyRepo(tmp.resolve("checkout"))));
        assertThat(graph.parents("release")).extracting(Dependency::parent).containsExactly("bin-linux");
    }

    @Test
    void excludedPatternsAndConfiguredImagesAreNotDiscoveredAgain() throws Exception {
        TestTree tree = messyRepo(tmp.resolve("checkout"))
                .file(
                        "deja.yaml",
                        "discover:\n  exclude: [services/payment, '**/app.dockerfile']\nimages:\n  payment:\n"
                                + "    dockerfile: build/app.dockerfile\n");
        Project project = load(tree);
        assertThat(project.images())
                .extracting(ImageDefinition::name)
                .containsExactlyInAnyOrder("payment", "root", "api", "genproto", "bin-linux", "release", "uber-app");
        assertThat(byDockerfile(project).get("build/app.dockerfile").name()).isEqualTo("payment");
    }

    @Test
    void addOfAUrlIsSaidNotToBeInTheState() throws Exception {
        TestTree tree = new TestTree(tmp.resolve("repo"))
                .file(
                        "app/Dockerfile",
                        "FROM alpine\nADD https://example.com/tool.tgz /opt/\n"
                                + "ADD --checksum=sha256:0123 https://example.com/pinned.tgz /opt/\n");
        ImageGraph graph = ImageGraph.of(load(tree));
        assertThat(graph.notices())
                .extracting(n -> n.describe(graph.project().root()))
                .singleElement()
                .satisfies(n -> assertThat(n)
                        .startsWith("app/Dockerfile:2: image 'app': ADD https://example.com/tool.tgz")
                        .contains("not part of the state"));
    }

    /**
     * A Dockerfile shared by symlink (web/Dockerfile -> ../common/Dockerfile) is an image of its folder, as deja.yaml
     * naming it would make it (BuildKit itself cannot read a link that leaves the context); a link out of the
     * repository or to nothing is skipped with a notice, never silently.
     */
    @Test
    void symlinkedDockerfilesAreImagesOfTheirFolderOrSaidSkipped() throws Exception {
        Path outside = tmp.resolve("elsewhere/Dockerfile");
        new TestTree(tmp.resolve("elsewhere")).file("Dockerfile", "FROM alpine\n");
        TestTree tree = new TestTree(tmp.resolve("repo"))
                .file("common/Dockerfile", "FROM alpine\nCOPY index.html /\n")
                .file("web/index.html", "<html>\n")
                .symlink("web/Dockerfile", "../common/Dockerfile")
                .symlink("gone/Dockerfile", "../nowhere/Dockerfile")
                .symlink("away/Dockerfile", outside.toString());
        Project project = load(tree);
        assertThat(byDockerfile(project)).containsOnlyKeys("common/Dockerfile", "web/Dockerfile");
        ImageDefinition web = byDockerfile(project).get("web/Dockerfile");
        assertThat(web.name()).isEqualTo("web");
        assertThat(web.context()).isEqualTo("web");
        assertThat(notices(project))
                .anySatisfy(n -> assertThat(n)
                        .startsWith("gone/Dockerfile: skipped: a symlink to '../nowhere/Dockerfile', which does not"
                                + " exist"))
                .anySatisfy(n -> assertThat(n)
                        .startsWith("away/Dockerfile: skipped: a symlink to '" + outside + "'")
                        .contains("outside"));
    }

    /** The same without git (a commit's files written out for {@code why}): the links are found by the walk. */
    @Test
    void symlinkedDockerfilesAreFoundWithoutGitToo() {
        TestTree tree = new TestTree(tmp.resolve("written"))
                .file("common/Dockerfile", "FROM alpine\nCOPY index.html /\n")
                .file("web/index.html", "<html>\n")
                .symlink("web/Dockerfile", "../common/Dockerfile");
        assertThat(new Discovery(tree.root(), DiscoverConfig.ON)
                        .discover(Set.of(), Set.of())
                        .images())
                .extracting(ImageDefinition::dockerfile)
                .containsExactlyInAnyOrder("common/Dockerfile", "web/Dockerfile");
    }

    /**
     * Podman's and buildah's name for a Dockerfile, which nerdctl and others fall back to: {@code Containerfile},
     * {@code Containerfile.<variant>}, {@code <variant>.containerfile} are images as their Docker spellings are. A
     * folder holding both a Dockerfile and a Containerfile of the same variant keeps its name for the Dockerfile
     * (what {@code docker build} reads there) and names the other {@code <folder>-containerfile}.
     */
    @Test
    void containerfilesAreImagesToo() throws Exception {
        TestTree tree = new TestTree(tmp.resolve("repo"))
                .file("ubi/Containerfile", "FROM registry.access.redhat.com/ubi9\n")
                .file("ubi/Containerfile.debug", "FROM registry.access.redhat.com/ubi9\nRUN true\n")
                .file("tools/lint.containerfile", "FROM alpine\n")
                .file("both/Dockerfile", "FROM alpine\n")
                .file("both/Containerfile", "FROM alpine\nRUN true\n")
                .file("deploy/Containerfile.j2", "FROM {{ base }}\n")
                .file("src/Containerfile.go", "package containerfile\n");
        Project project = load(tree);
        assertThat(project.images())
                .extracting(image -> image.name() + "=" + image.dockerfile())
                .containsExactlyInAnyOrder(
                        "ubi=ubi/Containerfile",
                        "ubi-debug=ubi/Containerfile.debug",
                        "tools-lint=tools/lint.containerfile",
                        "both=both/Dockerfile",
                        "both-containerfile=both/Containerfile");
        assertThat(notices(project))
                .anySatisfy(n -> assertThat(n).startsWith("deploy/Containerfile.j2: skipped: a template (.j2)"))
                .noneSatisfy(n -> assertThat(n).contains("Containerfile.go"));
    }
}
