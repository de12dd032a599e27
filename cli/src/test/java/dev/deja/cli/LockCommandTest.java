package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import dev.deja.registry.TestRegistries;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bases: lock}: deja.lock written by {@code deja lock}, offline states that are the online ones. */
class LockCommandTest {

    @TempDir
    Path tmp;

    @Test
    void withALockOfflineStatesAreTheOnlineOnesAndALockOlderThanItsDockerfilesIsSaid() throws Exception {
        Sandbox sandbox = Sandbox.classicEngine(tmp.resolve("home"));
        String registry = TestRegistries.namespace(TestRegistries.require().plain(), "lock");
        TestTree repo = new TestTree(tmp.resolve("repo"))
                .file("deja.yaml", config(registry, "lock"))
                .file("app/Dockerfile", "FROM deja-busybox:latest\nRUN echo app\n")
                .file("child/Dockerfile", "FROM app\nCOPY --from=deja-busybox /bin/busybox /bb\n");
        sandbox.gitInit(repo.root());

        Run missing = sandbox.deja(repo.root(), "state", "--offline");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.stderr())
                .startsWith("deja: error: ")
                .contains("deja.lock: does not have docker.io/library/deja-busybox:latest (FROM in image 'app' at"
                        + " app/Dockerfile:1; --from in image 'child' at child/Dockerfile:2)")
                .contains("run deja lock to add it");

        Run lock = sandbox.deja(repo.root(), "lock");
        assertThat(lock.code()).as(lock.stderr()).isZero();
        assertThat(lock.stdout())
                .containsPattern("added   docker.io/library/deja-busybox:latest sha256:[0-9a-f]{64}\n")
                .endsWith("deja.lock: 1 base, 1 changed\n");
        assertThat(sandbox.deja(repo.root(), "lock").stdout()).isEqualTo("deja.lock: 1 base, unchanged\n");

        Run offline = sandbox.deja(repo.root(), "state", "--offline");
        Run online = sandbox.deja(repo.root(), "state");
        assertThat(offline.stdout()).doesNotContain("unresolved").isEqualTo(online.stdout());
        repo.file("deja.yaml", config(registry, "track"));
        assertThat(sandbox.deja(repo.root(), "state").stdout())
                .as("track resolves to what the lock holds: the same states")
                .isEqualTo(online.stdout());
        repo.file("deja.yaml", config(registry, "lock"));
        assertThat(Files.readString(repo.path("deja.lock"))).startsWith("# deja.lock:");

        sandbox.commit(repo.root());
        assertThat(sandbox.deja(repo.root(), "plan", "--offline").stderr()).doesNotContain("older");
        repo.file("app/Dockerfile", "FROM deja-busybox:latest\nRUN echo app, changed\n");
        assertThat(sandbox.deja(repo.root(), "plan", "--offline").stderr())
                .contains("deja: deja.lock is older than app/Dockerfile (changed since it was written)");
        sandbox.commit(repo.root());
        assertThat(sandbox.deja(repo.root(), "plan", "--offline").stderr())
                .as("committed after the lock")
                .contains("deja.lock is older than app/Dockerfile");
    }

    private static String config(String registry, String bases) {
        return "registry: " + registry + "\nbases: " + bases + "\nimages:\n  app: {dockerfile: app/Dockerfile}\n"
                + "  child: {dockerfile: child/Dockerfile}\n";
    }
}
