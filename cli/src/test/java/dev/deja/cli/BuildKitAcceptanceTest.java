package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import dev.deja.registry.TestRegistries;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deja context IMAGE -o - | docker buildx build -f Dockerfile -} on the real BuildKit (buildx 0.13, docker
 * driver): the tar is accepted, and what lands in the image is what deja packed — exec bits, symlinks, PAX long
 * and non-ASCII names, empty folders, includes, nothing ignored.
 */
class BuildKitAcceptanceTest {

    @TempDir
    Path tmp;

    @Test
    void buildKitReadsTheContextTarAsPacked() throws Exception {
        TestRegistries registries = TestRegistries.require();
        Assumptions.assumeTrue(registries.dockerHost().isPresent(), "no test dockerd: scripts/test-env.sh --docker");
        String dockerHost = registries.dockerHost().get();
        String longName = "deep/" + "a-rather-long-folder-name/".repeat(5) + "file.txt";
        TestTree tree = new TestTree(tmp.resolve("repo"))
                .file("deja.yaml", "images:\n  app:\n    dockerfile: app/Dockerfile\n    include: [libs]\n")
                .file("app/Dockerfile", "FROM deja-busybox:latest\nCOPY . /ctx\n")
                .file("app/.dockerignore", "*.log\n")
                .executable("app/run.sh", "#!/bin/sh\necho ran\n")
                .file("app/plain.txt", "plain\n")
                .file("app/debug.log", "ignored\n")
                .file("app/" + longName, "long\n")
                .file("app/ünïcödé-名前.txt", "utf8\n")
                .dir("app/empty")
                .symlink("app/link", "plain.txt")
                .file("libs/lib.txt", "included\n");
        Run context = Run.of("-C", tree.root().toString(), "context", "app", "-o", "-");
        assertThat(context.code()).as(context.stderr()).isZero();

        String image = "deja-acceptance:" + UUID.randomUUID().toString().substring(0, 8);
        String built = run(
                dockerHost,
                context.stdoutBytes(),
                "docker",
                "buildx",
                "build",
                "-q",
                "-f",
                "Dockerfile",
                "-t",
                image,
                "--load",
                "-");
        assertThat(built).contains("sha256:");
        try {
            String listing = run(
                    dockerHost,
                    new byte[0],
                    "docker",
                    "run",
                    "--rm",
                    image,
                    "sh",
                    "-c",
                    "cd /ctx && find . | sort && echo mode:$(stat -c %a run.sh) && echo link:$(readlink link)"
                            + " && ./run.sh && cat libs/lib.txt");
            List<String> lines = listing.lines().toList();
            assertThat(lines)
                    .contains(
                            "./" + longName,
                            "./ünïcödé-名前.txt",
                            "./empty",
                            "./link",
                            "./plain.txt",
                            "./run.sh",
                            "./libs/lib.txt",
                            "./Dockerfile",
                            "./.dockerignore",
                            "mode:755",
                            "link:plain.txt",
                            "ran",
                            "included");
            assertThat(lines).doesNotContain("./debug.log");
        } finally {
            run(dockerHost, new byte[0], "docker", "rmi", "-f", image);
        }
    }

    private static String run(String dockerHost, byte[] stdin, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DOCKER_HOST", dockerHost);
        Process process = builder.start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream output = process.getInputStream()) {
            output.transferTo(out);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(process.waitFor())
                .as("%s:%n%s", String.join(" ", command), text)
                .isZero();
        return text;
    }
}
