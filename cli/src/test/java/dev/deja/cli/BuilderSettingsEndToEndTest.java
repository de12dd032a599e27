package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What deja.yaml gives the builder besides a state's inputs, for real. Build secrets and SSH keys: a build whose {@code RUN --mount=type=secret,required} and
 * {@code --mount=type=ssh,required} steps fail without them gets them from deja.yaml (a file under {@code ~/}, an
 * environment variable, a key), and their values are no part of the state. One that cannot be read fails its image
 * with a message naming it, before the builder runs. And what RUN steps see of the machine: the host's network, more
 * hosts, a larger /dev/shm and other limits (the last two on the current engine: dockerd 20.10's BuildKit ignores
 * them), and the entitlements a {@code RUN --network=host} step needs.
 */
class BuilderSettingsEndToEndTest {

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

    @Test
    void runStepsSeeTheNetworkHostsShmAndLimitsGiven() throws Exception {
        Sandbox sandbox = Sandbox.currentEngine(tmp);
        TestTree repo = new TestTree(tmp.resolve("repo"))
                .file(
                        "deja.yaml",
                        "images:\n  app:\n    dockerfile: app/Dockerfile\n    network: host\n"
                                + "    extra_hosts: [\"deja-test-host:10.1.2.3\"]\n    shm_size: 200m\n"
                                + "    ulimits: [\"nofile=1024:2048\"]\n")
                .file(
                        "app/Dockerfile",
                        "FROM deja-busybox:latest\nRUN echo " + UUID.randomUUID() + " && grep -q 'deja-test-host'"
                                + " /etc/hosts && df -k /dev/shm | grep -q ' 204800 ' && test \"$(ulimit -n)\" = 1024"
                                + " && echo run-settings-seen > /seen\nCMD [\"cat\", \"/seen\"]\n");
        Sandbox.gitInitOnly(repo.root());

        assertThat(sandbox.buildAndRun(repo.root(), "app")).contains("run-settings-seen");
        String state = sandbox.deja(repo.root(), "state", "--offline").stdout();
        repo.file("deja.yaml", repo.read("deja.yaml").replace("shm_size: 200m", "shm_size: 300m"));
        assertThat(sandbox.deja(repo.root(), "state", "--offline").stdout()).isEqualTo(state);
    }

    /**
     * A {@code RUN --network=host} step builds once its image is granted {@code network.host} (BuildKit refuses it
     * otherwise: "network.host is not allowed"); before that, deja says which step needs what and where to grant it,
     * before the builder runs. The grant is no part of the state.
     */
    @Test
    void aRunStepOnTheHostsNetworkBuildsOnceItsImageIsGrantedIt() throws Exception {
        Sandbox sandbox = Sandbox.currentEngine(tmp);
        TestTree repo = new TestTree(tmp.resolve("repo"))
                .file("deja.yaml", "images:\n  app:\n    dockerfile: app/Dockerfile\n")
                .file(
                        "app/Dockerfile",
                        "FROM deja-busybox:latest\nRUN --network=host echo " + UUID.randomUUID()
                                + " && echo host-network-seen > /seen\nCMD [\"cat\", \"/seen\"]\n");
        Sandbox.gitInitOnly(repo.root());
        String state = sandbox.deja(repo.root(), "state", "--offline").stdout();

        Run refused = sandbox.deja(repo.root(), "build");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(ExampleRepo.results(refused)).containsEntry("app", "failed");
        assertThat(refused.stdout() + refused.stderr())
                .contains("app/Dockerfile:2: RUN --network=host needs the network.host entitlement: grant it to image"
                        + " 'app' with entitlements: [network.host] in deja.yaml")
                .doesNotContain("docker buildx build exited");

        repo.file("deja.yaml", repo.read("deja.yaml") + "    entitlements: [network.host]\n");
        assertThat(sandbox.deja(repo.root(), "state", "--offline").stdout()).isEqualTo(state);
        assertThat(sandbox.buildAndRun(repo.root(), "app")).contains("host-network-seen");
    }
}
