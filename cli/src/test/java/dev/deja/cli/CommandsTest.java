package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deja.packer.TestTree;
import dev.deja.packer.context.TarDigests;
import dev.deja.packer.state.BuildInputs;
import dev.deja.packer.state.EntryDigest;
import dev.deja.packer.state.State;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandsTest {

    @TempDir
    Path tmp;

    private TestTree repo() {
        return BadInputTest.valid(tmp.resolve("repo"))
                .file(
                        "deja.yaml",
                        "registry: reg.example.com/acme\nimages:\n  base:\n    dockerfile: base/Dockerfile\n"
                                + "  app:\n    dockerfile: app/Dockerfile\n    include: [libs]\n    args: {MODE: fast}\n"
                                + "    target: runtime\n    platforms: [linux/arm64, linux/amd64]\n")
                .file("app/Dockerfile", "FROM base AS runtime\nCOPY . /app\n");
    }

    @Test
    void stateListsParentsFirst() {
        TestTree t = repo();
        Run run = Run.of("-C", t.root().toString(), "state");
        assertThat(run.code()).isZero();
        List<String> lines = run.stdout().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("base s1-[0-9a-f]{40}");
        assertThat(lines.get(1)).matches("app s1-[0-9a-f]{40}");
    }

    @Test
    void theTarOnStdoutHashesToThePrintedState() throws Exception {
        TestTree t = repo();
        String root = t.root().toString();
        JsonNode plan = new ObjectMapper()
                .readTree(Run.of("-C", root, "plan", "--offline", "--json").stdout());
        String baseState = plan.at("/images/0/state").asText();
        String appTag = plan.at("/images/1/stateTag").asText();
        assertThat(Run.of("-C", root, "state", "app").stdout()).isEqualTo("app " + appTag + "\n");

        Run context = Run.of("-C", root, "context", "app", "-o", "-");
        assertThat(context.code()).isZero();
        List<EntryDigest> entries = TarDigests.read(context.stdoutBytes());
        BuildInputs inputs = BuildInputs.of(
                "Dockerfile",
                Map.of("MODE", "fast"),
                "runtime",
                List.of("linux/amd64", "linux/arm64"),
                Map.of("base", baseState));
        assertThat(State.compute(entries, inputs).tag()).isEqualTo(appTag);

        // Changing any single entry of what was sent changes the state.
        for (int i = 0; i < entries.size(); i++) {
            List<EntryDigest> altered = new ArrayList<>(entries);
            EntryDigest e = entries.get(i);
            altered.set(i, new EntryDigest(e.path() + "x", e.type(), e.mode(), e.linkTarget(), e.contentSha256()));
            assertThat(State.compute(altered, inputs).tag()).isNotEqualTo(appTag);
        }
        // And the Dockerfile that was sent names the parent by its exact state.
        String sent = new String(
                Arrays.copyOf(context.stdoutBytes(), context.stdoutBytes().length), StandardCharsets.ISO_8859_1);
        assertThat(sent).contains("FROM reg.example.com/acme/base:s1-" + baseState.substring(0, 40) + " AS runtime");
    }

    @Test
    void contextToAFileAndList() throws Exception {
        TestTree t = repo();
        Path out = tmp.resolve("app.tar");
        assertThat(Run.of("-C", t.root().toString(), "context", "app", "-o", out.toString())
                        .code())
                .isZero();
        assertThat(Files.size(out)).isPositive();
        assertThat(Files.list(tmp).map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
        Run list = Run.of("-C", t.root().toString(), "context", "app", "--list");
        assertThat(list.stdout()).contains("f 0644").contains("libs/a.txt").contains("main.sh");
        Run missing = Run.of("-C", t.root().toString(), "context", "app");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.stderr()).contains("-o FILE");
    }

    @Test
    void graphFormats() throws Exception {
        String root = repo().root().toString();
        assertThat(Run.of("-C", root, "graph").stdout()).isEqualTo("base\napp  <- base (FROM app/Dockerfile:1)\n");
        assertThat(Run.of("-C", root, "graph", "--format", "dot").stdout()).contains("\"base\" -> \"app\"");
        assertThat(Run.of("-C", root, "graph", "--format", "mermaid").stdout()).contains("i0 -->|FROM| i1");
        JsonNode json = new ObjectMapper()
                .readTree(Run.of("-C", root, "graph", "--format", "json").stdout());
        assertThat(json.at("/images/1/parents/0/name").asText()).isEqualTo("base");
        assertThat(json.at("/levels/1/0").asText()).isEqualTo("app");
        assertThat(Run.of("-C", root, "graph", "--format", "svg").code()).isEqualTo(2);
    }

    @Test
    void configOptionAndSelectors() {
        TestTree t = repo();
        Run run = Run.of("-c", t.path("deja.yaml").toString(), "plan", "--offline", "--exclude", "app");
        assertThat(run.code()).isZero();
        assertThat(run.stdout()).contains("base").doesNotContain("app ");
        assertThat(Run.of("-C", t.root().toString(), "state", "--upto", "app")
                        .stdout()
                        .lines())
                .hasSize(2);
        assertThat(Run.of("-C", t.path("app").toString(), "state", "--dependents", "app")
                        .stdout())
                .startsWith("app ");
    }

    @Test
    void digestCacheGoesWhereTheEnvironmentSays() throws Exception {
        TestTree t = repo();
        // Files changed in the last two seconds are racy and never cached: let them age.
        Thread.sleep(2_100);
        Path cacheDir = tmp.resolve("cache");
        Run run = Run.withEnvironment(
                Map.of("DEJA_DIGEST_CACHE", cacheDir.toString()), "-C", t.root().toString(), "state");
        assertThat(run.code()).isZero();
        assertThat(Files.list(cacheDir))
                .singleElement()
                .satisfies(f -> assertThat(f.getFileName().toString()).isEqualTo("digests.bin"));
        assertThat(Run.withEnvironment(
                                Map.of("DEJA_DIGEST_CACHE", cacheDir.toString()),
                                "-C",
                                t.root().toString(),
                                "state")
                        .stdout())
                .isEqualTo(run.stdout())
                .isEqualTo(Run.of("-C", t.root().toString(), "state").stdout());
    }

    @Test
    void helpTeachesAndVersionAnswers() {
        Run help = Run.of("--help");
        assertThat(help.code()).isZero();
        assertThat(help.stdout()).contains("plan", "state", "context", "graph", "Examples:", "Exit codes");
        assertThat(Run.of("context", "--help").stdout()).contains("deja context service1 --list");
        Run version = Run.of("--version");
        assertThat(version.code()).isZero();
        assertThat(version.stdout()).startsWith("deja 0.");
        assertThat(Run.of().code()).isEqualTo(2);
    }
}
