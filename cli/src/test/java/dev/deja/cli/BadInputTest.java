package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input gives one clear line on stderr naming the file (and line where there is one), exit code
 * 2, nothing on stdout, and no output file.
 */
class BadInputTest {

    @TempDir
    Path tmp;

    static TestTree valid(Path root) {
        return new TestTree(root)
                .file(
                        "deja.yaml",
                        "registry: reg.example.com/acme\nimages:\n  base:\n    dockerfile: base/Dockerfile\n"
                                + "  app:\n    dockerfile: app/Dockerfile\n    include: [libs]\n")
                // No base image from outside: these tests run offline (bases: BaseImagesEndToEndTest).
                .file("base/Dockerfile", "FROM scratch\n")
                .file("app/Dockerfile", "FROM base\nCOPY . /app\n")
                .file("app/main.sh", "echo hi\n")
                .file("libs/a.txt", "a\n");
    }

    private static Consumer<TestTree> config(String yaml) {
        return t -> t.file("deja.yaml", yaml);
    }

    /** The images come from a compose file instead. */
    private static Consumer<TestTree> compose(String yaml) {
        return t -> t.file("deja.yaml", "registry: reg.example.com/acme\nfrom: compose.yaml\n")
                .file("compose.yaml", yaml);
    }

    private static Consumer<TestTree> appendImage(String yaml) {
        return t -> t.file("deja.yaml", t.read("deja.yaml") + yaml);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                bad(
                        "unknown bases policy",
                        t -> t.file("deja.yaml", "bases: sometimes\n" + t.read("deja.yaml")),
                        "deja.yaml:1",
                        "invalid value 'sometimes' for bases"),
                bad(
                        "lock file with a wrong digest",
                        t -> t.file("deja.yaml", "bases: lock\n" + t.read("deja.yaml"))
                                .file("deja.lock", "# lock\nbusybox sha256:0123\n"),
                        "deja.lock:2",
                        "'sha256:0123' is not a digest (sha256: and 64 lower-case hex characters)"),
                bad(
                        "lock file without a base the Dockerfiles use",
                        t -> t.file("deja.yaml", "bases: lock\n" + t.read("deja.yaml"))
                                .file("base/Dockerfile", "FROM busybox\n")
                                .file("deja.lock", "docker.io/library/alpine:3 sha256:" + "a".repeat(64) + "\n"),
                        "deja.lock",
                        "does not have docker.io/library/busybox:latest (FROM in image 'base' at base/Dockerfile:1)"),
                bad(
                        "dependency cycle",
                        t -> t.file("base/Dockerfile", "FROM app\n"),
                        "base/Dockerfile:1",
                        "dependency cycle: base -> app -> base"),
                bad(
                        "unknown depends_on",
                        appendImage("  x:\n    dockerfile: base/Dockerfile\n    depends_on: [nope]\n"),
                        "deja.yaml:8",
                        "depends_on 'nope' is not an image"),
                bad(
                        "duplicate name",
                        appendImage("  app:\n    dockerfile: app/Dockerfile\n"),
                        "deja.yaml:8",
                        "duplicate key 'app' in images"),
                bad(
                        "alias equal to another name",
                        appendImage("  other:\n    dockerfile: base/Dockerfile\n" + "    aliases: [app]\n"),
                        "deja.yaml:8",
                        "duplicate image name 'app'"),
                bad(
                        "include leaving the repo",
                        config("images:\n  app:\n    dockerfile: app/Dockerfile\n" + "    include: [../outside]\n"),
                        "deja.yaml:2",
                        "include '../outside' leaves the project root (deja.yaml's folder, else the checkout's top)"),
                bad(
                        "absolute include",
                        config("images:\n  app:\n    dockerfile: app/Dockerfile\n" + "    include: [/etc]\n"),
                        "deja.yaml:2",
                        "include '/etc' is absolute: paths are relative to the project root"),
                bad(
                        "invalid YAML",
                        config("images:\n  app:\n   dockerfile: a\n  - broken\n"),
                        "deja.yaml:4",
                        "invalid YAML"),
                bad(
                        "Dockerfile without FROM",
                        t -> t.file("app/Dockerfile", "# nothing\nRUN echo\n"),
                        "app/Dockerfile:2",
                        "before the first FROM"),
                bad(
                        "Dockerfile with only ARG",
                        t -> t.file("app/Dockerfile", "ARG X=1\n"),
                        "app/Dockerfile",
                        "no FROM instruction"),
                bad(
                        "FROM $X with X unset",
                        t -> t.file("app/Dockerfile", "FROM base\nFROM $X\n"),
                        "app/Dockerfile:2",
                        "X is not set"),
                bad(
                        "invalid repository name",
                        config("images:\n  App_Server:\n    dockerfile: app/Dockerfile\n"),
                        "deja.yaml:2",
                        "not a valid repository name"),
                bad(
                        "unknown key",
                        config("images:\n  app:\n    dockerfile: app/Dockerfile\n    tagret: x\n"),
                        "deja.yaml:4:5",
                        "unknown key 'tagret'"),
                bad(
                        "include not a list",
                        config("images:\n  app:\n    dockerfile: app/Dockerfile\n    include: libs\n"),
                        "deja.yaml:4",
                        "expected a list"),
                bad(
                        "dockerfile missing",
                        config("images:\n  app:\n    dockerfile: app/Nope\n"),
                        "deja.yaml:2",
                        "dockerfile 'app/Nope' does not exist"),
                bad(
                        "context missing",
                        config("images:\n  app:\n    dockerfile: app/Dockerfile\n    context: nowhere\n"),
                        "deja.yaml:2",
                        "context 'nowhere' does not exist"),
                bad(
                        "context a symlink to a folder",
                        t -> t.symlink("linked", "app")
                                .file(
                                        "deja.yaml",
                                        "images:\n  app:\n    dockerfile: app/Dockerfile\n    context: linked\n"),
                        "deja.yaml:2",
                        "context 'linked' is a symlink (to app): name the folder it points to"),
                bad(
                        "include missing",
                        config("images:\n  app:\n    dockerfile: app/Dockerfile\n    include: [gone]\n"),
                        "deja.yaml:2",
                        "include 'gone' does not exist"),
                bad(
                        "invalid cache mode",
                        t -> t.file("deja.yaml", "cache: sometimes\n" + t.read("deja.yaml")),
                        "deja.yaml:1",
                        "invalid value 'sometimes'"),
                bad(
                        "boolean given as a string",
                        t -> t.file("deja.yaml", "tags:\n  commit: \"yes\"\n" + t.read("deja.yaml")),
                        "deja.yaml:2",
                        "commit"),
                bad(
                        "bad .dockerignore",
                        t -> t.file("app/.dockerignore", "ok\n!\n"),
                        "app/.dockerignore:2",
                        "illegal exclusion pattern"),
                bad(
                        "unterminated heredoc",
                        t -> t.file("app/Dockerfile", "FROM base\nRUN <<EOF\necho\n"),
                        "app/Dockerfile:2",
                        "not terminated"),
                bad(
                        "image without dockerfile",
                        config("images:\n  app:\n    target: x\n"),
                        "deja.yaml:2",
                        "needs 'dockerfile:'"),
                bad(
                        "depends on itself",
                        config("images:\n  app:\n    dockerfile: app/Dockerfile\n" + "    depends_on: [app]\n"),
                        "deja.yaml:2",
                        "depends on itself"),
                bad(
                        "invalid registry",
                        t -> t.file(
                                "deja.yaml",
                                t.read("deja.yaml").replace("registry: reg.example.com/acme", "registry: Reg Example")),
                        "deja.yaml:1",
                        "registry 'Reg Example'"),
                bad(
                        "bad platform",
                        config("images:\n  app:\n    dockerfile: app/Dockerfile\n    platforms: [amd64]\n"),
                        "deja.yaml:2",
                        "platform 'amd64'"),
                bad(
                        "FROM with extra words",
                        t -> t.file("app/Dockerfile", "FROM base extra words\n"),
                        "app/Dockerfile:1",
                        "FROM takes an image"),
                bad("image with no settings", config("images:\n  app:\n"), "deja.yaml", "has no settings"),
                bad("special file in context", t -> mkfifo(t.path("app/pipe")), "app/pipe", "special file"),
                bad(
                        "variable unset without default",
                        config(
                                "registry: ${DEJA_TEST_UNSET_REGISTRY}\nimages:\n  app:\n    dockerfile: app/Dockerfile\n"),
                        "deja.yaml:1",
                        "variable DEJA_TEST_UNSET_REGISTRY is not set"),
                bad(
                        "variable required with a message",
                        appendImage("    args: {TOKEN: \"${DEJA_TEST_UNSET_TOKEN?pass the token}\"}\n"),
                        "deja.yaml:8",
                        "variable DEJA_TEST_UNSET_TOKEN is not set: pass the token"),
                bad(
                        "malformed interpolation",
                        appendImage("    target: ${}\n"),
                        "deja.yaml:8",
                        "invalid interpolation"),
                bad("unclosed interpolation", appendImage("    target: ${TARGET\n"), "deja.yaml:8", "missing '}'"),
                bad(
                        "key without a value",
                        config("images:\n  app:\n    dockerfile:\n"),
                        "deja.yaml:3",
                        "'images.app.dockerfile' has no value"),
                bad(
                        "null in a list",
                        appendImage("    exclude: ['*.md', ~]\n"),
                        "deja.yaml:8",
                        "'images.app.exclude[1]' has no value"),
                bad(
                        "null registry",
                        t -> t.file(
                                "deja.yaml",
                                t.read("deja.yaml").replace("registry: reg.example.com/acme", "registry: null")),
                        "deja.yaml:1",
                        "'registry' has no value"),
                bad(
                        "empty images section",
                        config("registry: r.example.com/a\nimages: {}\n"),
                        "deja.yaml:2",
                        "'images:' is empty"),
                bad("unknown alias", config("images:\n  app: *nowhere\n"), "deja.yaml:2", "invalid YAML"),
                bad(
                        "merge key of a scalar",
                        config("images:\n  app:\n    <<: plain\n    dockerfile: app/Dockerfile\n"),
                        "deja.yaml:3",
                        "merge key (<<) takes a mapping"),
                bad(
                        "alias inside itself",
                        config("tags: &loop\n  - *loop\nimages:\n  app:\n    dockerfile: app/Dockerfile\n"),
                        "deja.yaml",
                        "contains it"),
                bad(
                        "duplicate key inside an image",
                        appendImage("    target: a\n    target: b\n"),
                        "deja.yaml:9",
                        "duplicate key 'target' in images.app"),
                bad("config that is a list", config("- images\n"), "deja.yaml:1", "must be a mapping"),
                bad(
                        "bad .env line",
                        t -> t.file(".env", "# vars\nJUST A SENTENCE\n")
                                .file("deja.yaml", t.read("deja.yaml") + "    target: ${T:-x}\n"),
                        ".env:2",
                        "expected NAME=value"),
                bad("unterminated quote in .env", t -> t.file(".env", "A='open\n"), ".env:1", "unterminated ' quote"),
                bad(
                        "discover exclude not a list",
                        t -> t.file("deja.yaml", "discover:\n  exclude: vendor\n" + t.read("deja.yaml")),
                        "deja.yaml:2",
                        "exclude"),
                bad(
                        "a parent per platform",
                        t -> t.file(
                                        "deja.yaml",
                                        t.read("deja.yaml")
                                                + "    platforms: [linux/amd64, linux/arm64]\n  base-arm64:\n"
                                                + "    dockerfile: base/Dockerfile\n")
                                .file("app/Dockerfile", "FROM base\nCOPY --from=base-$TARGETARCH /x /x\n"),
                        "app/Dockerfile:2",
                        "names a different image for each of its platforms"),
                bad(
                        "from: a file that does not exist",
                        t -> t.file("deja.yaml", "from: nope.yaml\n"),
                        "deja.yaml",
                        "from: 'nope.yaml' does not exist"),
                bad(
                        "from: compose and bake at once",
                        t -> t.file("deja.yaml", "from: [compose.yaml, docker-bake.hcl]\n")
                                .file("compose.yaml", "services: {}\n")
                                .file("docker-bake.hcl", "target \"x\" {}\n"),
                        "deja.yaml",
                        "both compose and bake files"),
                bad(
                        "compose extends a service it does not have",
                        compose("services:\n  app:\n    extends: ghost\n    build: app\n"),
                        "compose.yaml:2",
                        "extends 'ghost', which compose.yaml does not define"),
                bad(
                        "compose extends in a circle",
                        compose("services:\n  a:\n    extends: b\n  b:\n    extends: a\n"),
                        "compose.yaml:",
                        "extends itself"),
                bad(
                        "compose build context outside the project",
                        compose("services:\n  app:\n    build: ../elsewhere\n"),
                        "compose.yaml:2",
                        "is outside the project root"),
                bad(
                        "compose build of the wrong type",
                        compose("services:\n  app:\n    build: [app]\n"),
                        "compose.yaml:3",
                        "'build' must be a path or a mapping"),
                bad(
                        "compose include of a file that does not exist",
                        compose("include: [lib/compose.yaml]\nservices:\n  app:\n    build: app\n"),
                        "lib/compose.yaml",
                        "compose file does not exist"),
                bad(
                        "compose include of a project defining a service again",
                        t -> compose("include: [lib/compose.yaml]\nservices:\n  app:\n    build: app\n")
                                .andThen(u -> u.file("lib/compose.yaml", "services:\n  app:\n    build: .\n"))
                                .accept(t),
                        "compose.yaml:3",
                        "service 'app' is defined here and in an included project"),
                bad(
                        "compose build args of the wrong type",
                        compose("services:\n  app:\n    build:\n      context: app\n      args: 5\n"),
                        "compose.yaml:5",
                        "'args' must be a mapping or a list of NAME=value"),
                bad(
                        "compose image that is no reference",
                        compose("services:\n  app:\n    build: app\n    image: \"Bad Name:1\"\n"),
                        "compose.yaml:2",
                        "image 'Bad Name:1' is not a valid image reference"),
                bad(
                        "compose services not a mapping",
                        compose("services: [app]\n"),
                        "compose.yaml:1",
                        "'services' must"),
                bad(
                        "compose variable required",
                        compose("services:\n  app:\n    build: app\n    image: ${DEJA_TEST_NOPE?say where}/app\n"),
                        "compose.yaml:4",
                        "variable DEJA_TEST_NOPE is not set: say where"),
                bad(
                        "dockerfile and dockerfile_inline",
                        appendImage("    dockerfile_inline: \"FROM base\"\n"),
                        "deja.yaml:5",
                        "give 'dockerfile:' or 'dockerfile_inline:', not both"),
                bad(
                        "a context fetched by the builder",
                        appendImage("    contexts: {src: \"https://example.com/src.tgz\"}\n"),
                        "deja.yaml:5",
                        "is fetched by the builder"),
                bad(
                        "a context naming no image",
                        appendImage("    contexts: {lib: \"service:ghost\"}\n"),
                        "deja.yaml:5",
                        "names 'ghost', which is not an image of this project"),
                bad(
                        "a context folder that does not exist",
                        appendImage("    contexts: {lib: vendor/lib}\n"),
                        "deja.yaml:5",
                        "'vendor/lib' is not a folder"),
                bad(
                        "an invalid repository",
                        appendImage("    repository: Reg/App\n"),
                        "deja.yaml:5",
                        "repository 'Reg/App' is not a valid repository"),
                bad(
                        "a tag prefix that makes invalid tags",
                        appendImage("    tag-prefix: \"-{name}/\"\n"),
                        "deja.yaml:5",
                        "do not make valid tags"),
                bad(
                        "an invalid tag",
                        appendImage("    tags: [\"-x\"]\n"),
                        "deja.yaml:5",
                        "tag '-x' is not a valid tag"),
                bad(
                        "some images with a registry, others without",
                        t -> t.file(
                                "deja.yaml",
                                "images:\n  base:\n    dockerfile: base/Dockerfile\n"
                                        + "    repository: reg.example.com/acme/base\n  app:\n"
                                        + "    dockerfile: app/Dockerfile\n"),
                        "deja.yaml:5",
                        "image 'app' has no registry while other images name theirs"));
    }

    private static void mkfifo(Path path) {
        try {
            new ProcessBuilder("mkfifo", path.toString()).inheritIO().start().waitFor();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Arguments bad(String name, Consumer<TestTree> breakIt, String where, String what) {
        return Arguments.of(name, breakIt, where, what);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void oneLineExitTwoNothingWritten(String name, Consumer<TestTree> breakIt, String where, String what) {
        TestTree tree = valid(tmp.resolve("repo"));
        breakIt.accept(tree);
        Path output = tmp.resolve("out.tar");
        for (String[] args : new String[][] {
            {"-C", tree.root().toString(), "state"},
            {"-C", tree.root().toString(), "context", "app", "-o", output.toString()},
            {"-C", tree.root().toString(), "plan", "--offline", "--json"}
        }) {
            Run run = Run.of(args);
            assertThat(run.code()).as("exit code of %s", String.join(" ", args)).isEqualTo(2);
            assertThat(run.stdout()).as("stdout").isEmpty();
            assertThat(run.stderr().lines()).as("stderr").hasSize(1);
            assertThat(run.stderr()).startsWith("deja: error: ").contains(where).contains(what);
            assertThat(Files.exists(output)).as("no output file").isFalse();
        }
    }

    @Test
    void anUnreachableUpstreamWithoutALockIsExitThreeNamingTheBase() {
        TestTree tree = valid(tmp.resolve("repo"));
        tree.file("base/Dockerfile", "FROM 127.0.0.1:9/acme/runtime:1\n");
        Run run = Run.of("-C", tree.root().toString(), "state");
        assertThat(run.code()).isEqualTo(3);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr().lines()).hasSize(1);
        assertThat(run.stderr())
                .startsWith("deja: registry error: 127.0.0.1:9: ")
                .contains("base image 127.0.0.1:9/acme/runtime:1 (FROM in image 'base' at base/Dockerfile:1)");
    }

    @Test
    void atLeastTwentyCases() {
        assertThat(cases().count()).isGreaterThanOrEqualTo(20);
    }

    @Test
    void unknownImageOnTheCommandLine() {
        TestTree tree = valid(tmp.resolve("repo"));
        Run run = Run.of("-C", tree.root().toString(), "state", "nope");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.stderr()).contains("unknown image 'nope'").contains("base, app");
    }

    @Test
    void unknownImageOfAProjectWithoutConfigNamesNoFile() throws Exception {
        TestTree tree = new TestTree(tmp.resolve("bare"))
                .file("compose.yaml", "services:\n  app:\n    build: app\n")
                .file("app/Dockerfile", "FROM scratch\n");
        GitCheckouts git = new GitCheckouts(tmp.resolve("home"), List.of());
        git.git(tree.root(), "init", "-q");
        Run run = Run.withEnvironment(git.env(null), "-C", tree.root().toString(), "state", "nope");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.stderr()).isEqualTo("deja: error: unknown image 'nope' (images: app)\n");
    }

    /**
     * An unset variable is blank in a compose file, as compose makes it; when the value it leaves is invalid, the
     * error comes after the warnings that explain it.
     */
    @Test
    void anUnsetVariableIsSaidBeforeTheErrorItCaused() throws Exception {
        TestTree tree = new TestTree(tmp.resolve("unset"))
                .file(
                        "compose.yaml",
                        "services:\n  app:\n    build: app\n    image: ${DEJA_TEST_UNSET_REGISTRY}/app:${DEJA_TEST_UNSET_TAG}\n")
                .file("app/Dockerfile", "FROM scratch\n");
        GitCheckouts git = new GitCheckouts(tmp.resolve("home"), List.of());
        git.git(tree.root(), "init", "-q");
        Run run = Run.withEnvironment(git.env(null), "-C", tree.root().toString(), "state");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.stderr())
                .isEqualTo(
                        "deja: warning: compose.yaml:4: variable DEJA_TEST_UNSET_REGISTRY is not set; it is the empty"
                                + " string\n"
                                + "deja: warning: compose.yaml:4: variable DEJA_TEST_UNSET_TAG is not set; it is the empty"
                                + " string\n"
                                + "deja: error: " + tree.root().resolve("compose.yaml")
                                + ":2: service 'app': image '/app:' is not a valid image reference"
                                + " (lower-case repository, an optional :tag)\n");
    }

    @Test
    void unknownOptionIsAUsageError() {
        Run run = Run.of("state", "--bogus");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.stderr()).contains("--bogus");
    }

    @Test
    void noConfigAndNoGitSaysWhatIsMissing() {
        Path empty = tmp.resolve("empty");
        new TestTree(empty);
        Run run = Run.of("-C", empty.toString(), "state");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.stderr()).contains("no deja.yaml");
    }
}
