package dev.deja.packer.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deja.packer.InputException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class DockerfileTest {

    private static final Path FILE = Path.of("svc/Dockerfile");

    private static Dockerfile parse(String text) {
        return Dockerfile.parse(FILE, text);
    }

    private static List<String> references(String text, Map<String, String> args) {
        return parse(text).imageUses(args).stream().map(ImageUse::reference).toList();
    }

    @Test
    void instructionsAreEqualWhenEveryPartIs() {
        Instruction copy = new Instruction(3, 4, "COPY", "a /a");

        assertThat(copy)
                .isEqualTo(new Instruction(3, 4, "COPY", "a /a"))
                .hasSameHashCodeAs(new Instruction(3, 4, "COPY", "a /a"));
        assertThat(List.of(
                        new Instruction(2, 4, "COPY", "a /a"),
                        new Instruction(3, 5, "COPY", "a /a"),
                        new Instruction(3, 4, "copy", "a /a"),
                        new Instruction(3, 4, "COPY", "b /a")))
                .allSatisfy(other -> assertThat(other).isNotEqualTo(copy));
    }

    @Test
    void instructionsKeepTheirLinesAndJoinContinuations() {
        Dockerfile d = parse("# syntax=docker/dockerfile:1\n\nFROM base\nRUN echo a \\\n  # a comment inside\n\n"
                + "  && echo b\nCOPY x /x\n");
        assertThat(d.directive("syntax")).contains("docker/dockerfile:1");
        assertThat(d.instructions()).extracting(Instruction::keyword).containsExactly("FROM", "RUN", "COPY");
        Instruction run = d.instructions().get(1);
        assertThat(run.line()).isEqualTo(4);
        assertThat(run.endLine()).isEqualTo(7);
        assertThat(run.arguments()).isEqualTo("echo a   && echo b");
        assertThat(d.instructions().get(2).line()).isEqualTo(8);
    }

    @Test
    void escapeDirectiveChangesTheContinuationCharacter() {
        Dockerfile d = parse("# escape=`\nFROM base\nRUN dir c:\\ `\n  && echo done\n");
        assertThat(d.escape()).isEqualTo('`');
        assertThat(d.instructions().get(1).arguments()).isEqualTo("dir c:\\   && echo done");
    }

    @Test
    void directivesOnlyCountAtTheTop() {
        Dockerfile d = parse("FROM base\n# escape=`\nRUN a \\\n b\n");
        assertThat(d.escape()).isEqualTo('\\');
        assertThat(d.instructions()).hasSize(2);
    }

    @Test
    void heredocBodiesAreNotInstructions() {
        Dockerfile d = parse("FROM base\nRUN <<EOF\nFROM evil\nCOPY --from=other / /\nEOF\nCOPY <<-'END' /etc/x\n"
                + "\tFROM nope\n\tEND\nCMD run\n");
        assertThat(d.instructions()).extracting(Instruction::keyword).containsExactly("FROM", "RUN", "COPY", "CMD");
        assertThat(d.imageUses(Map.of())).extracting(ImageUse::reference).containsExactly("base");
    }

    @Test
    void fromWithPlatformAndStageNames() {
        String text = "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM build AS test\n"
                + "FROM scratch\nCOPY --from=build /a /a\nCOPY --from=0 /b /b\nCOPY --from=tools /c /c\n";
        assertThat(parse(text).imageUses(Map.of()))
                .extracting(ImageUse::kind, ImageUse::reference)
                .containsExactly(
                        Tuple.tuple(ImageUse.Kind.FROM, "golang:1.22"), Tuple.tuple(ImageUse.Kind.COPY_FROM, "tools"));
    }

    @Test
    void stageNamesAreCaseInsensitive() {
        assertThat(references("FROM base AS Build\nFROM build\n", Map.of())).containsExactly("base");
    }

    @Test
    void argBeforeFromIsSubstitutedWithDefaultsAndOverrides() {
        String text = "ARG REPO=acme\nARG BASE=${REPO}/shared\nARG TAG\nFROM $BASE:${TAG:-latest}\n";
        assertThat(references(text, Map.of())).containsExactly("acme/shared:latest");
        assertThat(references(text, Map.of("TAG", "1.2"))).containsExactly("acme/shared:1.2");
        assertThat(references(text, Map.of("BASE", "other"))).containsExactly("other:latest");
    }

    @Test
    void argInsideAStageFeedsCopyFrom() {
        String text = "ARG SRC=tools\nFROM base\nARG SRC\nARG DEST=/opt\nCOPY --from=${SRC} /bin $DEST\n";
        assertThat(references(text, Map.of())).containsExactly("base", "tools");
    }

    /** BuildKit's pattern substitutions: prefixes and suffixes removed, shortest or longest, and replacements. */
    @Test
    void patternSubstitutionsAsBuildKitMakesThem() {
        String text = "ARG VERSION=3.12-slim\nARG IMG=registry.example.com/team/app:1.2.3\nARG SEP=/\n"
                + "FROM python:${VERSION%-slim}-alpine\nFROM ${IMG%%:*}:latest\nFROM ${IMG%.*}\n"
                + "FROM ${IMG#*/}\nFROM ${IMG##*$SEP}\nFROM ${IMG/1.2/2.0}\nFROM ${IMG//./-}\n"
                + "FROM ${IMG/team\\/app/other}\nFROM ${IMG#nothing}\nFROM x${VERSION/slim}\n";
        assertThat(references(text, Map.of()))
                .containsExactly(
                        "python:3.12-alpine",
                        "registry.example.com/team/app:latest",
                        "registry.example.com/team/app:1.2",
                        "team/app:1.2.3",
                        "app:1.2.3",
                        "registry.example.com/team/app:2.0.3",
                        "registry-example-com/team/app:1-2-3",
                        "registry.example.com/other:1.2.3",
                        "registry.example.com/team/app:1.2.3",
                        "x3.12-");
        assertThat(references("ARG V=1.2.3\nFROM base:${V%.*}\n", Map.of("V", "4.5.6")))
                .containsExactly("base:4.5");
        assertThatThrownBy(() -> references("FROM base:${UNSET%.*}\n", Map.of()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("UNSET");
        assertThatThrownBy(() -> references("ARG V=1\nFROM base:${V:%1}\n", Map.of()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("unsupported substitution");
    }

    @Test
    void quotedArgValues() {
        assertThat(references("ARG B=\"acme/base\"\nFROM ${B}\n", Map.of())).containsExactly("acme/base");
        assertThat(references("ARG B='lit$X'\nFROM ${B}\n", Map.of())).containsExactly("lit$X");
    }

    @Test
    void unsetVariableInFromIsAnErrorNamingTheLine() {
        assertThatThrownBy(() -> parse("FROM base\nFROM $X\n").imageUses(Map.of()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("X is not set")
                .satisfies(e -> assertThat(((InputException) e).line()).isEqualTo(2));
        assertThatThrownBy(() -> parse("ARG X\nFROM ${X}\n").imageUses(Map.of()))
                .hasMessageContaining("X is not set");
        assertThatThrownBy(() -> parse("FROM ${X:?give me X}\n").imageUses(Map.of()))
                .hasMessageContaining("give me X");
    }

    @Test
    void noFromIsAnError() {
        assertThatThrownBy(() -> parse("# only a comment\nARG X=1\n").imageUses(Map.of()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("no FROM");
    }

    @Test
    void instructionBeforeFromIsAnError() {
        assertThatThrownBy(() -> parse("RUN echo\nFROM base\n").imageUses(Map.of()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("before the first FROM")
                .satisfies(e -> assertThat(((InputException) e).line()).isEqualTo(1));
    }

    @Test
    void unterminatedHeredocIsAnError() {
        assertThatThrownBy(() -> parse("FROM base\nRUN <<EOF\necho\n"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("not terminated");
    }

    @Test
    void rewriteReplacesOnlyRepoImagesAndKeepsLineNumbers() {
        String text = "ARG BASE=shared\nFROM --platform=linux/amd64 \\\n  ${BASE} \\\n  AS build\n"
                + "RUN make\nFROM python:3.11\nCOPY --link --from=build /a /a\nCOPY --from=shared:1 /lib /lib\n";
        String rewritten = parse(text)
                .rewrite(
                        Map.of(),
                        use -> use.reference().startsWith("shared")
                                ? Optional.of("reg/shared:s1-abc")
                                : Optional.empty());
        List<String> lines = List.of(rewritten.split("\n", -1));
        assertThat(lines).hasSameSizeAs(List.of(text.split("\n", -1)));
        assertThat(lines.get(1)).isEqualTo("FROM --platform=linux/amd64 reg/shared:s1-abc AS build");
        assertThat(lines.get(2)).isEmpty();
        assertThat(lines.get(3)).isEmpty();
        assertThat(lines.get(4)).isEqualTo("RUN make");
        assertThat(lines.get(5)).isEqualTo("FROM python:3.11");
        assertThat(lines.get(6)).isEqualTo("COPY --link --from=build /a /a");
        assertThat(lines.get(7)).isEqualTo("COPY --from=reg/shared:s1-abc /lib /lib");
    }

    @Test
    void rewriteLeavesHeredocsIntact() {
        String text = "FROM shared\nRUN <<EOF\nFROM shared\nEOF\n";
        String rewritten = parse(text).rewrite(Map.of(), use -> Optional.of("x:1"));
        assertThat(rewritten).isEqualTo("FROM x:1\nRUN <<EOF\nFROM shared\nEOF\n");
    }

    @Test
    void windowsLineEndingsAreRead() {
        assertThat(references("FROM base\r\nRUN a \\\r\n b\r\n", Map.of())).containsExactly("base");
    }

    @Test
    void automaticPlatformArgsResolveInFromWithoutADeclaration() {
        String text = "FROM --platform=$BUILDPLATFORM bin-$TARGETOS AS bin\nFROM base-${TARGETARCH}${TARGETVARIANT}\n"
                + "ARG BUILDARCH\nCOPY --from=tools-$BUILDARCH /a /a\n";
        Arguments arm = Arguments.forPlatform(Map.of(), Platform.parse("linux/arm/v7"), Platform.parse("linux/amd64"));
        assertThat(parse(text).imageUses(arm))
                .extracting(ImageUse::reference)
                .containsExactly("bin-linux", "base-armv7", "tools-amd64");
    }

    @Test
    void runMountFromIsAnImageUseAndStagesAreNot() {
        String text = "FROM base AS build\nFROM base\n"
                + "RUN --mount=type=bind,from=tools,source=/bin,target=/t --mount=from=build,target=/b \\\n"
                + "    --mount=type=cache,target=/c,from=cachesrc make\n";
        assertThat(parse(text).imageUses(Map.of()))
                .extracting(ImageUse::kind, ImageUse::reference)
                .containsExactly(
                        Tuple.tuple(ImageUse.Kind.FROM, "base"),
                        Tuple.tuple(ImageUse.Kind.FROM, "base"),
                        Tuple.tuple(ImageUse.Kind.MOUNT_FROM, "tools"),
                        Tuple.tuple(ImageUse.Kind.MOUNT_FROM, "cachesrc"));
        String rewritten = parse(text)
                .rewrite(
                        Map.of(),
                        use -> use.kind() == ImageUse.Kind.MOUNT_FROM
                                ? Optional.of("reg/" + use.reference() + ":s1")
                                : Optional.empty());
        assertThat(rewritten.split("\n", -1)[2])
                .isEqualTo("RUN --mount=type=bind,from=reg/tools:s1,source=/bin,target=/t --mount=from=build,target=/b"
                        + " --mount=type=cache,target=/c,from=reg/cachesrc:s1 make");
        assertThat(rewritten.split("\n", -1)[3]).isEmpty();
    }

    @Test
    void copySourcesAreTheContextReadsOfCopyAndAdd() {
        String text = "FROM base\nARG DIR=app\nCOPY $DIR/src ./lib /opt/\nCOPY [\"my file\", \"/x\"]\n"
                + "COPY --from=base /etc /etc\nCOPY <<EOF /etc/motd\nhi\nEOF\nENV E=1\nCOPY $UNSET/x /y\n"
                + "ADD https://example.com/a.tgz /a\nADD --checksum=sha256:abc https://example.com/b /b\n"
                + "ADD git@github.com:acme/x.git#v1 /x\nADD local.tgz /l\n"
                + "RUN --mount=type=bind,source=$DIR/go.sum,target=/s --mount=target=/r,src=req.txt"
                + " --mount=type=bind,target=/all --mount=type=cache,target=/c --mount=from=base,source=/x,target=/x"
                + " --mount=type=secret,id=s,source=token.txt make\n";
        assertThat(parse(text).copySources(Arguments.of(Map.of())))
                .extracting(CopySource::path, CopySource::remote, CopySource::checksum)
                .containsExactly(
                        Tuple.tuple("app/src", false, false),
                        Tuple.tuple("./lib", false, false),
                        Tuple.tuple("my file", false, false),
                        Tuple.tuple("https://example.com/a.tgz", true, false),
                        Tuple.tuple("https://example.com/b", true, true),
                        Tuple.tuple("git@github.com:acme/x.git#v1", true, false),
                        Tuple.tuple("local.tgz", false, false),
                        Tuple.tuple("app/go.sum", false, false),
                        Tuple.tuple("req.txt", false, false));
    }

    @Test
    void entitlementsAreThoseOfTheRunStepsOfTheStagesATargetReaches() {
        String text = "FROM base AS tools\nRUN --network=host fetch\n"
                + "FROM base AS unused\nRUN --security=insecure mount-things\n"
                + "FROM tools AS build\nARG NET=host\nRUN --mount=type=cache,target=/c --network=$NET make\n"
                + "RUN --network=none --security=sandbox test\n"
                + "FROM base AS sidecar\nRUN --security=insecure strace-it\n"
                + "FROM base\nCOPY --from=build /out /out\nRUN --mount=from=sidecar,target=/s ls /s\n";
        Dockerfile dockerfile = parse(text);

        assertThat(dockerfile.entitlements(Arguments.of(Map.of()), ""))
                .extracting(EntitlementUse::entitlement, EntitlementUse::line)
                .containsExactly(
                        Tuple.tuple("network.host", 2),
                        Tuple.tuple("network.host", 7),
                        Tuple.tuple("security.insecure", 10));
        assertThat(dockerfile.entitlements(Arguments.of(Map.of()), "unused"))
                .extracting(EntitlementUse::entitlement, EntitlementUse::line)
                .containsExactly(Tuple.tuple("security.insecure", 4));
        assertThat(dockerfile.entitlements(Arguments.of(Map.of("NET", "default")), "build"))
                .extracting(EntitlementUse::entitlement, EntitlementUse::line)
                .containsExactly(Tuple.tuple("network.host", 2));
        assertThat(parse("FROM base\nRUN --network=default make\n").entitlements(Arguments.of(Map.of()), ""))
                .isEmpty();
    }

    @Test
    void aTargetThatIsNoStageIsRefused() {
        assertThatThrownBy(() -> parse("FROM base AS a\nRUN x\n").entitlements(Arguments.of(Map.of()), "b"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("target stage 'b' is not a stage of this Dockerfile (stages: a)");
    }
}
