package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named contexts that are not images of the project, for real on the current engine: a folder is hashed after its
 * own .dockerignore and the builder gets exactly that; an external image is passed as docker-image://.
 */
class NamedContextEndToEndTest {

    @TempDir
    Path tmp;

    @Test
    void aFolderContextIsSentAsHashedAndPartOfTheState() throws Exception {
        Sandbox sandbox = Sandbox.currentEngine(tmp);
        String token = UUID.randomUUID().toString();
        TestTree repo = new TestTree(tmp.resolve("named"))
                .file(
                        "deja.yaml",
                        "images:\n  protoc:\n    dockerfile: app/Dockerfile\n"
                                + "    contexts: {protos: protos, tools: \"docker-image://deja-busybox:latest\"}\n")
                .file(
                        "app/Dockerfile",
                        "FROM deja-busybox:latest\nCOPY --from=protos . /protos\n"
                                + "COPY --from=tools /bin/busybox /tools-busybox\n"
                                + "RUN ls -a /protos > /listing && cat /protos/a.proto >> /listing\n"
                                + "CMD [\"cat\", \"/listing\"]\n")
                .file("protos/a.proto", "message A {} // " + token + "\n")
                .file("protos/secret.txt", "not for the builder\n")
                .file("protos/.dockerignore", "secret.txt\n");
        Sandbox.gitInitOnly(repo.root());

        String listing = sandbox.buildAndRun(repo.root(), "protoc");
        assertThat(listing).contains("a.proto").contains(token).doesNotContain("secret.txt");

        String before = sandbox.deja(repo.root(), "state").stdout();
        repo.file("protos/secret.txt", "still not for the builder, and not in the state\n");
        assertThat(sandbox.deja(repo.root(), "state").stdout()).isEqualTo(before);
        repo.file("protos/a.proto", "message B {}\n");
        assertThat(sandbox.deja(repo.root(), "state").stdout()).isNotEqualTo(before);
    }
}
