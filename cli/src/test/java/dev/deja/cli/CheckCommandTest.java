package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deja check}: every COPY/ADD source (and RUN bind-mount source) the context lacks, and every RUN step needing an
 * entitlement its image is not granted, with Dockerfile:line, before any build.
 */
class CheckCommandTest {

    @TempDir
    Path tmp;

    @Test
    void sourcesMissingFromTheContextAreListedWithTheirLine() throws Exception {
        TestTree tree = new TestTree(tmp.resolve("repo"))
                .file(
                        "deja.yaml",
                        "images:\n  api:\n    dockerfile: api/Dockerfile\n  ok:\n    dockerfile: ok/Dockerfile\n"
                                + "  host:\n    dockerfile: host/Dockerfile\n")
                .file(
                        "api/Dockerfile",
                        "FROM alpine\nCOPY go.mod /src/\nCOPY *.go /src/\nCOPY secret.txt /s\n"
                                + "COPY --from=alpine /etc /etc\nADD https://example.com/x /x\nCOPY [\"main.go\", \"/m\"]\n"
                                + "RUN --mount=type=bind,source=go.sum,target=go.sum --mount=target=/m,src=main.go"
                                + " --mount=type=bind,target=/all --mount=type=cache,target=/c,source=nothing go build\n")
                .file("api/main.go", "package main\n")
                .file("api/secret.txt", "s\n")
                .file("api/.dockerignore", "secret.txt\n")
                .file("go.mod", "module x\n")
                .file("ok/Dockerfile", "FROM alpine\nCOPY . /app\nCOPY sub/ /sub\n")
                .file("host/Dockerfile", "FROM alpine\nRUN --network=host make\n")
                .file("ok/sub/a", "a\n");
        Run check = Run.of("-C", tree.root().toString(), "check");
        assertThat(check.code()).as(check.stderr()).isEqualTo(2);
        assertThat(check.stdout().lines())
                .containsExactly(
                        "api/Dockerfile:2: image 'api': COPY source 'go.mod' is not in its context (api/): missing,"
                                + " left out by .dockerignore, or meant for another context",
                        "api/Dockerfile:4: image 'api': COPY source 'secret.txt' is not in its context (api/):"
                                + " missing, left out by .dockerignore, or meant for another context",
                        "api/Dockerfile:8: image 'api': RUN --mount source 'go.sum' is not in its context (api/):"
                                + " missing, left out by .dockerignore, or meant for another context",
                        "host/Dockerfile:2: RUN --network=host needs the network.host entitlement: grant it to image"
                                + " 'host' with entitlements: [network.host] in deja.yaml (the builder must allow it"
                                + " too)");

        Run plan = Run.of("-C", tree.root().toString(), "plan", "--offline");
        assertThat(plan.code()).isZero();
        assertThat(plan.stderr())
                .contains("deja: warning: api/Dockerfile:2:")
                .contains("api/Dockerfile:4:")
                .contains("deja: warning: host/Dockerfile:2: RUN --network=host needs the network.host entitlement");

        Run okOnly = Run.of("-C", tree.root().toString(), "check", "ok");
        assertThat(okOnly.code()).as(okOnly.stdout()).isZero();
        assertThat(okOnly.stdout())
                .isEqualTo("every COPY/ADD and RUN --mount source is in its context, every entitlement granted\n");
    }
}
