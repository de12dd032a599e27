package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Build secrets and SSH keys, for real: a build whose {@code RUN --mount=type=secret,required} and
 * {@code --mount=type=ssh,required} steps fail without them gets them from deja.yaml (a file under {@code ~/}, an
 * environment variable, a key), and their values are no part of the state. One that cannot be read fails its image
 * with a message naming it, before the builder runs.
 */
class BuildSecretsEndToEndTest {

    @TempDir
    Path tmp;

    private static final String DOCKERFILE = "FROM deja-busybox:latest\n"
            + "RUN --mount=type=secret,id=token,required=true --mount=type=secret,id=npmrc,required=true"
            + " --mount=type=ssh,id=deploy,required=true"
            + " test \"$(cat /run/secrets/token)\" = \"$EXPECTED\" && grep -q registry= /run/secrets/npmrc"
            + " && test -S \"$SSH_AUTH_SOCK\" && echo secrets-seen > /seen\n"
            + "CMD [\"cat\", \"/seen\"]\n";

    @Test
    void secretsAndSshReachTheBuildAndStayOutOfTheState() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve(".npmrc"), "registry=https://npm.example.com/\n");
        new TestTree(home).sshKey(".ssh/deploy_key");
        String token = UUID.randomUUID().toString();
        Sandbox sandbox = Sandbox.classicEngine(home).with("DEJA_TEST_SECRET", token);
        TestTree repo = new TestTree(tmp.resolve("repo"))
                .file(
                        "deja.yaml",
                        "images:\n  app:\n    dockerfile: app/Dockerfile\n    args: {EXPECTED: " + token + "}\n"
                                + "    secrets: {token: env:DEJA_TEST_SECRET, npmrc: ~/.npmrc}\n"
                                + "    ssh: [\"deploy=~/.ssh/deploy_key\"]\n")
                .file(
                        "app/Dockerfile",
                        DOCKERFILE.replace("FROM deja-busybox:latest\n", "FROM deja-busybox:latest\nARG EXPECTED\n"));
        Sandbox.gitInitOnly(repo.root());

        assertThat(sandbox.buildAndRun(repo.root(), "app")).contains("secrets-seen");

        String state = sandbox.deja(repo.root(), "state", "--offline").stdout();
        Files.writeString(home.resolve(".npmrc"), "registry=https://other.example.com/\n");
        assertThat(sandbox.with("DEJA_TEST_SECRET", "another value")
                        .deja(repo.root(), "state", "--offline")
                        .stdout())
                .isEqualTo(state);
    }

    @Test
    void aSecretThatCannotBeReadFailsItsImageByName() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Sandbox sandbox = Sandbox.classicEngine(home);
        TestTree repo = new TestTree(tmp.resolve("repo"))
                .file(
                        "deja.yaml",
                        "images:\n  app:\n    dockerfile: app/Dockerfile\n"
                                + "    secrets: {token: env:DEJA_TEST_UNSET_SECRET}\n"
                                + "  web:\n    dockerfile: web/Dockerfile\n    secrets: {npmrc: ~/.npmrc}\n")
                .file("app/Dockerfile", "FROM deja-busybox:latest\nRUN echo " + UUID.randomUUID() + "\n")
                .file("web/Dockerfile", "FROM deja-busybox:latest\nRUN echo " + UUID.randomUUID() + "\n");
        Sandbox.gitInitOnly(repo.root());

        Run build = sandbox.deja(repo.root(), "build");
        assertThat(build.code()).isEqualTo(1);
        assertThat(ExampleRepo.results(build)).containsEntry("app", "failed").containsEntry("web", "failed");
        assertThat(build.stdout() + build.stderr())
                .contains("secret 'token' is read from $DEJA_TEST_UNSET_SECRET, which is not set")
                .contains("secret 'npmrc' is read from " + home.resolve(".npmrc") + ", which does not exist");
    }
}
