package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deja dev} on the real dockerd, local mode: an image whose "build" concatenates its sources; its dev
 * container receives only what changed, runs the command and is committed as {@code app:dev}.
 */
class DevEndToEndTest {

    @TempDir
    Path tmp;

    private Sandbox sandbox;
    private TestTree repo;

    @BeforeEach
    void project() throws Exception {
        sandbox = Sandbox.classicEngine(tmp.resolve("home"));
        // A folder name of its own: the dev containers are named after it, and the daemon is shared.
        repo = new TestTree(tmp.resolve("dev-" + UUID.randomUUID().toString().substring(0, 8)))
                .file(
                        "deja.yaml",
                        "images:\n"
                                + "  app:\n    dockerfile: app/Dockerfile\n"
                                + "    dev: {command: \"cat src/*.txt > out.txt\", sync: [app/src]}\n"
                                + "  tool:\n    dockerfile: tool/Dockerfile\n"
                                + "    dev: {command: \"cp in.txt out.txt\", workdir: /tool}\n")
                .file(
                        "app/Dockerfile",
                        "FROM deja-busybox:latest\nWORKDIR /app\nCOPY src /app/src\n"
                                + "RUN cat src/*.txt > out.txt\nCMD [\"cat\", \"/app/out.txt\"]\n")
                .file("app/src/a.txt", "a1\n")
                .file("app/src/b.txt", "b1\n")
                .file("app/README.md", "not synced\n")
                .file(
                        "tool/Dockerfile",
                        "FROM deja-busybox:latest\nCOPY in.txt /tool/in.txt\n"
                                + "RUN cp /tool/in.txt /tool/out.txt\nCMD [\"cat\", \"/tool/out.txt\"]\n")
                .file("tool/in.txt", "tool1\n");
        sandbox.gitInit(repo.root());
    }

    @AfterEach
    void clean() {
        if (sandbox != null) {
            sandbox.deja(repo.root(), "dev", "app", "--clean");
            sandbox.deja(repo.root(), "dev", "tool", "--clean");
        }
    }

    private Run dev(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "dev";
        System.arraycopy(args, 0, all, 1, args.length);
        return sandbox.deja(repo.root(), all);
    }

    private String imageId(String ref) throws Exception {
        return sandbox.run(repo.root(), "docker", "image", "inspect", "--format", "{{.Id}}", ref)
                .strip();
    }

    @Test
    void onlyWhatChangedIsCopiedTheCommandRunsAndDevIsCommitted() throws Exception {
        Run first = dev("app");
        assertThat(first.code()).as(first.stderr()).isZero();
        assertThat(first.stdout()).contains(": started, app:dev sha256:");
        String container = "deja-dev-" + repo.root().getFileName() + "-app";
        assertThat(sandbox.run(repo.root(), "docker", "inspect", "--format", "{{.State.Running}}", container))
                .isEqualTo("true\n");
        assertThat(sandbox.run(repo.root(), "docker", "run", "--rm", "app:dev")).isEqualTo("a1\nb1\n");

        repo.file("app/src/a.txt", "a2\n").file("app/README.md", "changed, not synced\n");
        Run second = dev("app");
        assertThat(second.code()).as(second.stderr()).isZero();
        assertThat(second.stdout()).contains("copied 1, removed 0");
        assertThat(sandbox.run(repo.root(), "docker", "run", "--rm", "app:dev")).isEqualTo("a2\nb1\n");
        assertThat(sandbox.run(
                        repo.root(),
                        "docker",
                        "image",
                        "inspect",
                        "--format",
                        "{{json .Config.Entrypoint}}" + " {{json .Config.Cmd}}",
                        "app:dev"))
                .as("the image's own command, not the dev container's waiting shell")
                .isEqualTo("null [\"cat\",\"/app/out.txt\"]\n");

        Files.delete(repo.path("app/src/b.txt"));
        Run third = dev("app");
        assertThat(third.stdout()).contains("copied 0, removed 1");
        assertThat(sandbox.run(repo.root(), "docker", "run", "--rm", "app:dev", "ls", "/app/src"))
                .isEqualTo("a.txt\n");

        String before = imageId("app:dev");
        repo.file("deja.yaml", repo.read("deja.yaml").replace("cat src/*.txt > out.txt", "exit 7"))
                .file("app/src/a.txt", "a3\n");
        Run failing = dev("app");
        assertThat(failing.code()).isEqualTo(1);
        assertThat(failing.stdout()).contains("failed (exit 7), app:dev unchanged");
        assertThat(imageId("app:dev")).isEqualTo(before);

        assertThat(dev("app").stdout()).as("nothing changed since").contains("nothing to do");

        // Images that depend on app are built on its app:dev (the last committed one: a2 alone).
        repo.file("deja.yaml", repo.read("deja.yaml") + "  devchild:\n    dockerfile: devchild/Dockerfile\n")
                .file(
                        "devchild/Dockerfile",
                        "FROM app\nRUN cat /app/out.txt > /child.txt\n" + "CMD [\"cat\", \"/child.txt\"]\n");
        Run onDev = sandbox.deja(repo.root(), "build", "--dev", "app");
        assertThat(onDev.code()).as(onDev.stderr()).isZero();
        assertThat(ExampleRepo.results(onDev)).containsOnlyKeys("devchild").containsEntry("devchild", "built");
        assertThat(sandbox.run(repo.root(), "docker", "run", "--rm", "devchild:latest"))
                .isEqualTo("a2\n");
    }

    @Test
    void twoImagesHaveTwoContainersAChangedDockerfileIsSaidAndCleanRemovesAll() throws Exception {
        assertThat(dev("app").code()).isZero();
        assertThat(dev("tool").code()).isZero();
        String names = sandbox.run(
                repo.root(),
                "docker",
                "ps",
                "--filter",
                "name=deja-dev-" + repo.root().getFileName(),
                "--format",
                "{{.Names}}");
        assertThat(names.lines().sorted())
                .containsExactly(
                        "deja-dev-" + repo.root().getFileName() + "-app",
                        "deja-dev-" + repo.root().getFileName() + "-tool");
        repo.file("tool/in.txt", "tool2\n");
        assertThat(dev("tool").stdout()).contains("copied 1, removed 0");
        assertThat(sandbox.run(repo.root(), "docker", "run", "--rm", "tool:dev"))
                .isEqualTo("tool2\n");

        repo.file("app/Dockerfile", repo.read("app/Dockerfile") + "RUN echo more\n");
        repo.file("app/src/a.txt", "a9\n");
        Run stale = dev("app");
        assertThat(stale.stderr())
                .contains("image 'app': its Dockerfile changed since the dev container started")
                .contains("deja dev --rebase starts over");
        Run rebased = dev("app", "--rebase");
        assertThat(rebased.code()).as(rebased.stderr()).isZero();
        assertThat(rebased.stdout()).contains(": started, ");

        Run clean = dev("app", "--clean");
        assertThat(clean.stdout()).contains("removed deja-dev-" + repo.root().getFileName() + "-app and app:dev");
        assertThat(sandbox.run(
                        repo.root(),
                        "docker",
                        "ps",
                        "-a",
                        "--filter",
                        "name=deja-dev-" + repo.root().getFileName() + "-app",
                        "--format",
                        "{{.Names}}"))
                .isEmpty();
        assertThat(sandbox.run(repo.root(), "docker", "images", "-q", "app:dev"))
                .isEmpty();
    }

    @Test
    void badInputsAreOneLine() throws Exception {
        repo.file(
                        "deja.yaml",
                        repo.read("deja.yaml")
                                + "  plain:\n    dockerfile: plain/Dockerfile\n"
                                + "  noshell:\n    dockerfile: noshell/Dockerfile\n    dev: {command: make}\n")
                .file("plain/Dockerfile", "FROM deja-busybox:latest\n")
                .file("noshell/Dockerfile", "FROM scratch\nCOPY x /x\n")
                .file("noshell/x", "x\n");
        Run plain = dev("plain");
        assertThat(plain.code()).isEqualTo(2);
        assertThat(plain.stderr())
                .isEqualTo("deja: error: image 'plain' has no dev: block in deja.yaml: add dev: {command: <its"
                        + " incremental build>, sync: [<paths>]} (deja dev --help)\n");

        Run noShell = dev("noshell");
        assertThat(noShell.code()).isEqualTo(2);
        assertThat(noShell.stderr().lines().filter(l -> l.startsWith("deja: error: ")))
                .singleElement()
                .asString()
                .contains("image 'noshell' cannot keep a dev container alive");

        Run noDaemon = sandbox.with("DOCKER_HOST", "unix://" + tmp.resolve("none.sock"))
                .deja(repo.root(), "dev", "app");
        assertThat(noDaemon.code()).isEqualTo(3);
        assertThat(noDaemon.stderr()).startsWith("deja: docker error: the Docker daemon does not answer");

        repo.file("deja.yaml", repo.read("deja.yaml").replace("sync: [app/src]", "sync: [tool]"));
        Run outside = dev("app");
        assertThat(outside.code()).isEqualTo(2);
        assertThat(outside.stderr())
                .contains("deja.yaml:")
                .contains("image 'app': dev sync 'tool' is outside its context 'app'");
    }
}
