package dev.deja.engine.project;

import dev.deja.engine.graph.ImageGraph;
import dev.deja.packer.TestTree;
import java.nio.file.Path;

/** A small monorepo: base <- shared (alias acme/shared) <- svc1, svc2; tool (depends_on base); web FROM base + --from shared. */
public final class ProjectFixture {

    private ProjectFixture() {}

    public static TestTree monorepo(Path root) {
        return new TestTree(root)
                .file(
                        "deja.yaml",
                        String.join(
                                "\n",
                                "registry: reg.example.com/acme",
                                "images:",
                                "  base:",
                                "    dockerfile: base/Dockerfile",
                                "  shared:",
                                "    dockerfile: shared/Dockerfile",
                                "    aliases: [acme/shared]",
                                "  svc1:",
                                "    dockerfile: svc1/Dockerfile",
                                "    include: [libs/lua]",
                                "  svc2:",
                                "    dockerfile: svc2/Dockerfile",
                                "    args: {BASE: acme/shared}",
                                "  tool:",
                                "    dockerfile: tool/Dockerfile",
                                "    depends_on: [base]",
                                "  web:",
                                "    dockerfile: web/Dockerfile",
                                ""))
                .file("base/Dockerfile", "FROM busybox:latest\nCOPY motd /etc/motd\n")
                .file("base/motd", "hello\n")
                .file("shared/Dockerfile", "FROM base\nCOPY lib /lib\n")
                .file("shared/lib/a.sh", "echo a\n")
                .file("svc1/Dockerfile", "FROM shared:latest\nCOPY libs/lua /lua\nCOPY app /app\n")
                .file("svc1/app", "svc1\n")
                .file("libs/lua/x.lua", "return 1\n")
                .file("svc2/Dockerfile", "ARG BASE=none\nFROM ${BASE}\nCOPY . /app\n")
                .file("svc2/.dockerignore", "*.md\n")
                .file("svc2/README.md", "ignored\n")
                .file("svc2/main", "svc2\n")
                .file("tool/Dockerfile", "FROM alpine:3\nRUN echo tool\n")
                .file(
                        "web/Dockerfile",
                        "FROM base AS build\nRUN build\nFROM base\nCOPY --from=acme/shared /lib /lib\n"
                                + "COPY --from=build /out /out\n");
    }

    public static ImageGraph graph(TestTree tree) {
        return ImageGraph.of(new ProjectLoader().load(tree.root(), null));
    }

    /** {@code tree} made a git checkout of its own (nothing committed): where discovery and the sources look. */
    public static TestTree checkout(TestTree tree) throws java.io.IOException, InterruptedException {
        new ProcessBuilder("git", "init", "-q")
                .directory(tree.root().toFile())
                .start()
                .waitFor();
        return tree;
    }
}
