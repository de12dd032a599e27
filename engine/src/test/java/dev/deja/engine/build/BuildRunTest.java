package dev.deja.engine.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.engine.bases.ResolvedBases;
import dev.deja.engine.exec.Cancellation;
import dev.deja.engine.git.GitFacts;
import dev.deja.engine.graph.ImageGraph;
import dev.deja.engine.graph.Selection;
import dev.deja.engine.plan.CacheRefs;
import dev.deja.engine.plan.Plan;
import dev.deja.engine.plan.PlannedImage;
import dev.deja.engine.plan.Planner;
import dev.deja.engine.plan.StateLookup;
import dev.deja.engine.project.ProjectLoader;
import dev.deja.engine.report.BuildReport;
import dev.deja.engine.report.ImageResult;
import dev.deja.engine.report.Result;
import dev.deja.packer.TestTree;
import dev.deja.packer.state.ContentHasher;
import dev.deja.registry.Manifest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules of a build run, with a registry and a builder in memory (no docker, no registry): what is skipped,
 * what is tagged, when, and how many builds run at once.
 */
class BuildRunTest {

    private static final String PREFIX = "reg.example.com/acme";
    private static final GitFacts GIT =
            new GitFacts("0123456789abcdef0123456789abcdef01234567", "feature/x", "main", List.of());
    private static final ImageTags TAGS = new ImageTags(List.of(GIT.commit(), "release-1"), List.of("feature-x"), true);

    @TempDir
    Path tmp;

    private ImageGraph graph;
    private Planner planner;
    private FakeRegistry registry;
    private FakeBuilder builder;
    private Cancellation cancellation;

    /** a, b, e stand alone; c is built on b, d on c; f on a and c. */
    @BeforeEach
    void setUp() {
        List<String> config = new ArrayList<>(List.of("registry: " + PREFIX, "images:"));
        Map<String, String> from = Map.of("a", "busybox", "b", "busybox", "c", "b", "d", "c", "e", "busybox", "f", "a");
        TestTree tree = new TestTree(tmp);
        for (String name : List.of("a", "b", "c", "d", "e", "f")) {
            config.add("  " + name + ":");
            config.add("    dockerfile: " + name + "/Dockerfile");
            String extra = name.equals("f") ? "COPY --from=c /x /x\n" : "";
            tree.file(name + "/Dockerfile", "FROM " + from.get(name) + "\n" + extra + "RUN echo " + name + "\n");
        }
        tree.file("deja.yaml", String.join("\n", config) + "\n");
        graph = ImageGraph.of(new ProjectLoader().load(tree.root(), null));
        planner = new Planner(graph, new ContentHasher(1), ResolvedBases.ignored());
        registry = new FakeRegistry();
        builder = new FakeBuilder(registry);
        cancellation = Cancellation.never();
    }

    private Plan plan() {
        return planner.online(Selection.ALL, () -> StateLookup.registry(registry, true));
    }

    private BuildReport run(int jobs) {
        return BuildRun.push(
                        graph,
                        planner.packer(),
                        builder,
                        registry,
                        new CacheRefs(registry, GIT),
                        TAGS,
                        jobs,
                        cancellation,
                        "")
                .run(plan(), BuildListener.prefixed(line -> {}));
    }

    private static Map<String, ImageResult> byName(BuildReport report) {
        return report.images().stream().collect(Collectors.toMap(ImageResult::name, Function.identity()));
    }

    /** Makes every image exist under its state, as an earlier run would have. */
    private void everythingBuiltBefore() {
        run(2);
        builder = new FakeBuilder(registry);
    }

    @Test
    void anImageWhoseParentFailedIsSkippedWithTheReasonAndTheOthersStillBuild() {
        builder.failing("c", "docker buildx build exited with 1");
        BuildReport report = run(2);
        Map<String, ImageResult> results = byName(report);
        assertThat(results.get("c").result()).isEqualTo(Result.FAILED);
        assertThat(results.get("c").reason()).isEqualTo("docker buildx build exited with 1");
        assertThat(results.get("d").result()).isEqualTo(Result.SKIPPED);
        assertThat(results.get("d").reason()).isEqualTo("parent c failed");
        assertThat(results.get("f").result()).isEqualTo(Result.SKIPPED);
        assertThat(results.get("f").reason()).isEqualTo("parent c failed");
        assertThat(results.get("a").result()).isEqualTo(Result.BUILT);
        assertThat(results.get("e").result()).isEqualTo(Result.BUILT);
        assertThat(builder.started()).doesNotContain("d", "f");
        assertThat(report.succeeded()).isFalse();
    }

    @Test
    void movingTagsAreWrittenOnlyWhenNothingFailedAndThenForEveryImage() {
        builder.failing("e", "boom");
        BuildReport failed = run(2);
        assertThat(failed.movingTagsWritten()).isFalse();
        assertThat(registry.puts()).noneMatch(put -> put.endsWith(":feature-x"));
        // The fixed tags of what did build are written all the same.
        assertThat(registry.tagsOf("a")).contains(GIT.commit(), "release-1");

        builder = new FakeBuilder(registry);
        BuildReport fixed = run(2);
        assertThat(fixed.succeeded()).isTrue();
        assertThat(fixed.movingTagsWritten()).isTrue();
        for (String image : List.of("a", "b", "c", "d", "e", "f")) {
            assertThat(registry.tagsOf(image)).as(image).contains("feature-x");
            assertThat(registry.digestOf(image, "feature-x"))
                    .as(image)
                    .isEqualTo(registry.digestOf(image, GIT.commit()));
        }
        assertThat(builder.started()).containsExactly("e");
    }

    @Test
    void aJustBuiltImagesTagsEndOnWhatItsStateTagHoldsLastWhenAnotherRunPushesItMeanwhile() {
        Map<String, String> states = plan().images().stream()
                .collect(Collectors.toMap(
                        PlannedImage::name, image -> PREFIX + "/" + image.name() + ":" + image.stateTag()));
        int before = registry.reads(states.get("b"));
        Manifest theirs = FakeRegistry.manifest("a, pushed by another run");
        // Reads of a's state tag in the run: the plan's lookup, the cache sources', then before and after its fixed
        // tags. Right after that check, before the moving tags' own, the other run pushes the same state.
        registry.afterRead((reference, read) -> {
            if (reference.equals(states.get("a")) && read == before + 5) {
                registry.push(PREFIX + "/a", reference.substring(reference.lastIndexOf(':') + 1), theirs);
            }
        });

        assertThat(run(1).movingTagsWritten()).isTrue();

        assertThat(registry.digestOf("a", "feature-x")).contains(theirs.digest());
        assertThat(registry.digestOf("a", GIT.commit())).isNotEqualTo(Optional.of(theirs.digest()));
        // The moving tags start from what the fixed ones' check read: one read after each set of tags, no more.
        assertThat(registry.reads(states.get("b")) - before).isEqualTo(5);
    }

    @Test
    void aCancelledRunStartsNoNewBuildAndWritesNoMovingTag() {
        Cancellation stoppable = new Cancellation();
        cancellation = stoppable;
        builder.onStart("b", stoppable::cancel);
        BuildReport report = run(1);
        Map<String, ImageResult> results = byName(report);
        List<String> started = builder.started();
        assertThat(started).contains("b");
        assertThat(started.indexOf("b")).isEqualTo(started.size() - 1);
        assertThat(results.get("c").result()).isEqualTo(Result.SKIPPED);
        assertThat(results.values())
                .filteredOn(r -> r.result() == Result.SKIPPED)
                .allSatisfy(r -> assertThat(r.reason()).isIn("interrupted", "parent c skipped"));
        assertThat(report.movingTagsWritten()).isFalse();
        assertThat(registry.puts()).noneMatch(put -> put.endsWith(":feature-x"));
    }

    @Test
    void aReusedImageGetsItsCommitAndExtraTagsByManifestPutWithItsDigest() {
        everythingBuiltBefore();
        int putsBefore = registry.puts().size();
        BuildReport report = run(2);
        assertThat(builder.started()).isEmpty();
        assertThat(report.images()).allSatisfy(r -> assertThat(r.result()).isEqualTo(Result.REUSED));
        ImageResult d = byName(report).get("d");
        assertThat(d.tags()).containsExactly(GIT.commit(), "release-1", "feature-x");
        String state = d.state();
        assertThat(registry.digestOf("d", "release-1")).isEqualTo(registry.digestOf("d", state));
        assertThat(d.digest()).isEqualTo(registry.digestOf("d", state).orElseThrow());
        assertThat(registry.puts().size() - putsBefore).isEqualTo(6 * 3);
    }

    @Test
    void jobsBoundsHowManyBuildsRunAtOnce() {
        for (String image : List.of("a", "b", "e")) {
            builder.taking(image, Duration.ofMillis(150));
        }
        run(2);
        assertThat(builder.mostAtOnce()).isEqualTo(2);

        setUp();
        for (String image : List.of("a", "b", "e")) {
            builder.taking(image, Duration.ofMillis(150));
        }
        run(1);
        assertThat(builder.mostAtOnce()).isEqualTo(1);
    }

    @Test
    void anImageStartsAsSoonAsItsOwnParentsAreDoneNotTheWholeLevel() {
        CountDownLatch slowA = new CountDownLatch(1);
        builder.waitingFor("a", slowA);
        // c needs only b: it must start while a, on the same level as b, still builds; then a is let go.
        builder.onStart("c", slowA::countDown);
        BuildReport report = run(3);
        assertThat(report.succeeded()).isTrue();
        List<String> events = builder.events();
        assertThat(events.indexOf("start c")).isLessThan(events.indexOf("end a"));
        assertThat(events.indexOf("start f")).isGreaterThan(events.indexOf("end a"));
        assertThat(events.indexOf("start f")).isGreaterThan(events.indexOf("end c"));
    }
}
