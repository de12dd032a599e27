package dev.deja.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.engine.bases.ResolvedBases;
import dev.deja.engine.graph.Selection;
import dev.deja.engine.pack.PackedImage;
import dev.deja.engine.project.ProjectFixture;
import dev.deja.packer.TestTree;
import dev.deja.packer.context.ContextEntry;
import dev.deja.packer.state.ContentHasher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerTest {

    @TempDir
    Path tmp;

    private static Map<String, String> states(TestTree tree) {
        Plan plan = new Planner(ProjectFixture.graph(tree), new ContentHasher(2), ResolvedBases.ignored())
                .offline(Selection.ALL);
        return plan.images().stream()
                .collect(Collectors.toMap(PlannedImage::name, i -> i.state().tag()));
    }

    @Test
    void aParentChangeChangesEveryDescendantAndNothingElse() {
        TestTree tree = ProjectFixture.monorepo(tmp);
        Map<String, String> before = states(tree);
        tree.file("shared/lib/a.sh", "echo changed\n");
        Map<String, String> after = states(tree);
        assertThat(changed(before, after)).containsExactlyInAnyOrder("shared", "svc1", "svc2", "web");

        tree.file("base/motd", "changed\n");
        Map<String, String> afterBase = states(tree);
        assertThat(changed(after, afterBase))
                .containsExactlyInAnyOrder("base", "shared", "svc1", "svc2", "web", "tool");
    }

    @Test
    void includeAndIgnoreAffectOnlyTheirImage() {
        TestTree tree = ProjectFixture.monorepo(tmp);
        Map<String, String> before = states(tree);
        tree.file("libs/lua/x.lua", "return 2\n");
        Map<String, String> after = states(tree);
        assertThat(changed(before, after)).containsExactly("svc1");
        tree.file("svc2/README.md", "still ignored\n");
        assertThat(changed(after, states(tree))).isEmpty();
    }

    @Test
    void dockerfileSentNamesParentsByExactState() {
        TestTree tree = ProjectFixture.monorepo(tmp);
        Planner planner = new Planner(ProjectFixture.graph(tree), new ContentHasher(2), ResolvedBases.ignored());
        PackedImage web = planner.packer().pack("web");
        String shared = planner.packer().state("shared").tag();
        String base = planner.packer().state("base").tag();
        ContextEntry dockerfile = web.context().entries().stream()
                .filter(e -> e.path().equals(web.context().dockerfile()))
                .findFirst()
                .orElseThrow();
        assertThat(new String(dockerfile.generated(), StandardCharsets.UTF_8))
                .isEqualTo("FROM reg.example.com/acme/base:" + base
                        + " AS build\nRUN build\nFROM reg.example.com/acme/base:"
                        + base + "\nCOPY --from=reg.example.com/acme/shared:" + shared + " /lib /lib\n"
                        + "COPY --from=build /out /out\n");
        assertThat(web.inputs().parentStates()).containsOnlyKeys("base", "shared");
    }

    @Test
    void localModeNamesParentsLocally() {
        TestTree tree = ProjectFixture.monorepo(tmp);
        tree.file("deja.yaml", tree.read("deja.yaml").replace("registry: reg.example.com/acme\n", ""));
        Planner planner = new Planner(ProjectFixture.graph(tree), new ContentHasher(1), ResolvedBases.ignored());
        PackedImage shared = planner.packer().pack("shared");
        ContextEntry dockerfile = shared.context().entries().stream()
                .filter(e -> e.path().equals("Dockerfile"))
                .findFirst()
                .orElseThrow();
        assertThat(new String(dockerfile.generated(), StandardCharsets.UTF_8))
                .startsWith("FROM base:" + planner.packer().state("base").tag() + "\n");
    }

    private static Set<String> changed(Map<String, String> a, Map<String, String> b) {
        return a.keySet().stream().filter(k -> !a.get(k).equals(b.get(k))).collect(Collectors.toSet());
    }
}
