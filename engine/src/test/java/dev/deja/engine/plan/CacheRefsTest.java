package dev.deja.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.engine.exec.Parallel;
import dev.deja.engine.git.GitFacts;
import dev.deja.engine.project.TagFormat;
import dev.deja.packer.state.State;
import dev.deja.registry.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CacheRefsTest {

    private static final String REPOSITORY = "registry.example/app";
    private static final State STATE = new State("ab".repeat(32));
    /** A branch's build: its branch, the default branch and twenty first-parent ancestors (23 candidates). */
    private static final List<String> ANCESTORS = IntStream.range(0, GitFacts.ANCESTORS)
            .mapToObj(i -> "%040d".formatted(i))
            .toList();

    private static final GitFacts GIT = new GitFacts("f".repeat(40), "feature/x", "main", ANCESTORS);

    /** Tags by digest, and every tag asked for. */
    private static final class Registry implements Manifests {
        final Map<String, String> digests = new ConcurrentHashMap<>();
        final List<String> asked = new ArrayList<>();

        @Override
        public Optional<String> digest(String repository, String tag) {
            synchronized (asked) {
                asked.add(tag);
            }
            return Optional.ofNullable(digests.get(tag));
        }

        @Override
        public Optional<Manifest> manifest(String repository, String tag) {
            return Optional.empty();
        }

        @Override
        public void put(String repository, String tag, Manifest manifest) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void candidatesAreTheStateTheBranchesAndTheAncestorsBestFirst() {
        List<String> candidates = CacheRefs.candidates(STATE, GIT);

        assertThat(candidates).hasSize(23);
        assertThat(candidates.subList(0, 3)).containsExactly(STATE.tag(), "feature-x", "main");
        assertThat(candidates.subList(3, 23)).isEqualTo(ANCESTORS);
    }

    @Test
    void theLaterCandidatesAreNotAskedOnceTheNearestImagesAreFound() {
        Registry registry = new Registry();
        registry.digests.put("feature-x", "sha256:1");
        registry.digests.put("main", "sha256:2");
        registry.digests.put(ANCESTORS.get(0), "sha256:3");
        ANCESTORS.forEach(commit -> registry.digests.putIfAbsent(commit, "sha256:old-" + commit));

        List<String> found = new CacheRefs(registry, GIT).existing(REPOSITORY, TagFormat.PLAIN, STATE);

        assertThat(found)
                .containsExactly(REPOSITORY + ":feature-x", REPOSITORY + ":main", REPOSITORY + ":" + ANCESTORS.get(0));
        // One round of requests side by side, not one per candidate: the other ancestors were never asked.
        assertThat(registry.asked).hasSize(Parallel.DEFAULT_WIDTH).doesNotContain(ANCESTORS.get(19));
    }

    @Test
    void laterRoundsAreAskedOnlyWhileNoImageIsFoundAndKeepTheCandidatesOrder() {
        Registry registry = new Registry();
        // Nothing in the first round; the branch's images only among the older ancestors, two tags of one image.
        registry.digests.put(ANCESTORS.get(9), "sha256:a");
        registry.digests.put(ANCESTORS.get(10), "sha256:a");
        registry.digests.put(ANCESTORS.get(11), "sha256:b");
        registry.digests.put(ANCESTORS.get(19), "sha256:c");

        List<String> found = new CacheRefs(registry, GIT).existing(REPOSITORY, TagFormat.PLAIN, STATE);

        assertThat(found).containsExactly(REPOSITORY + ":" + ANCESTORS.get(9), REPOSITORY + ":" + ANCESTORS.get(11));
        // The round that found them is the last one: the third would name older images only.
        assertThat(registry.asked).hasSize(2 * Parallel.DEFAULT_WIDTH).doesNotContain(ANCESTORS.get(19));
    }

    @Test
    void anImageWhoseTagsAllNameOneDigestCostsOneRound() {
        Registry registry = new Registry();
        // An image unchanged for all of the branch's commits: every tag of it names one image.
        registry.digests.put("feature-x", "sha256:same");
        registry.digests.put("main", "sha256:same");
        ANCESTORS.forEach(commit -> registry.digests.put(commit, "sha256:same"));

        List<String> found = new CacheRefs(registry, GIT).existing(REPOSITORY, TagFormat.PLAIN, STATE);

        assertThat(found).containsExactly(REPOSITORY + ":feature-x");
        assertThat(registry.asked).hasSize(Parallel.DEFAULT_WIDTH);
    }

    @Test
    void aPrefetchedImageWhoseStateTagThePlanFoundAbsentIsNotAskedAgain() {
        Registry registry = new Registry();
        registry.digests.put("main", "sha256:2");
        registry.digests.put(ANCESTORS.get(2), "sha256:3");
        CacheRefs refs = new CacheRefs(registry, GIT);

        refs.prefetch(REPOSITORY, TagFormat.PLAIN);
        // Everything of the first round but the state tag, which no prefetch can know.
        assertThat(registry.asked).hasSize(Parallel.DEFAULT_WIDTH - 1).doesNotContain(STATE.tag());
        refs.absent(REPOSITORY, STATE.tag());

        assertThat(refs.existing(REPOSITORY, TagFormat.PLAIN, STATE))
                .containsExactly(REPOSITORY + ":main", REPOSITORY + ":" + ANCESTORS.get(2));
        assertThat(registry.asked).hasSize(Parallel.DEFAULT_WIDTH - 1);
    }

    @Test
    void aStateTagNotTakenAsAbsentIsAskedAfterThePrefetch() {
        Registry registry = new Registry();
        registry.digests.put(STATE.tag(), "sha256:state");
        CacheRefs refs = new CacheRefs(registry, GIT);

        refs.prefetch(REPOSITORY, TagFormat.PLAIN);

        assertThat(refs.existing(REPOSITORY, TagFormat.PLAIN, STATE)).containsExactly(REPOSITORY + ":" + STATE.tag());
        assertThat(registry.asked).hasSize(Parallel.DEFAULT_WIDTH).contains(STATE.tag());
    }

    @Test
    void anImageAskedTwiceIsLookedUpOnce() {
        Registry registry = new Registry();
        registry.digests.put("main", "sha256:2");
        CacheRefs refs = new CacheRefs(registry, GIT);

        assertThat(refs.find(REPOSITORY, TagFormat.PLAIN, STATE)).contains(REPOSITORY + ":main");
        int asked = registry.asked.size();
        assertThat(refs.existing(REPOSITORY, TagFormat.PLAIN, STATE)).containsExactly(REPOSITORY + ":main");
        assertThat(registry.asked).hasSize(asked);
    }
}
