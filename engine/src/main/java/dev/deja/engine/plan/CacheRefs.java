package dev.deja.engine.plan;

import dev.deja.engine.exec.Parallel;
import dev.deja.engine.git.GitFacts;
import dev.deja.engine.project.TagFormat;
import dev.deja.packer.Lazy;
import dev.deja.packer.state.State;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The best {@code --cache-from} references for an image (looked up once per run), in this order: its current state
 * tag, the branch tag, the default branch's tag, the commit tags of the first-parent ancestors; else nothing.
 */
public final class CacheRefs {

    /** At most this many distinct images go into {@code --cache-from}: each one costs the builder a fetch. */
    static final int MAX_CACHE_SOURCES = 3;

    private final Manifests manifests;
    private final GitFacts git;
    /**
     * What each tag asked gave, by {@code <repository>:<tag>}: the tags of an image asked ahead ({@link #prefetch}),
     * by its build and by its reason are asked once, and a later asker waits for the first one's answer.
     */
    private final Map<String, Lazy<Optional<String>>> digests = new ConcurrentHashMap<>();
    /**
     * What each image's candidates gave, by the repository and the tags asked (not a record of its own: a record's
     * equals is linked on its first call, which costs a cold JVM milliseconds on its way to the first build): a run
     * asks for its reasons and for its builds at the same time, and the second asker waits for the first one's answer.
     */
    private final Map<List<String>, Lazy<List<String>>> answered = new ConcurrentHashMap<>();

    public CacheRefs(Manifests manifests, GitFacts git) {
        this.manifests = manifests;
        this.git = git;
    }

    /** The tags to try, best first. */
    public static List<String> candidates(State state, GitFacts git) {
        Set<String> tags = new LinkedHashSet<>();
        tags.add(state.tag());
        tags.addAll(candidates(git));
        return new ArrayList<>(tags);
    }

    /** The tags to try after the state's own, best first: they do not depend on the state. */
    private static List<String> candidates(GitFacts git) {
        Set<String> tags = new LinkedHashSet<>();
        if (!git.branch().isEmpty()) {
            tags.add(GitFacts.slug(git.branch()));
        }
        if (!git.defaultBranch().isEmpty()) {
            tags.add(GitFacts.slug(git.defaultBranch()));
        }
        tags.addAll(git.ancestors());
        tags.remove("");
        return new ArrayList<>(tags);
    }

    /**
     * Asks now for the first round of an image's candidates that do not depend on its state (the branches', the
     * first ancestors'), side by side: for an image that is most likely built, while its state is still being
     * computed. Its {@link #existing} then waits for no round trip but its state tag's.
     */
    public void prefetch(String repository, TagFormat format) {
        List<String> tags = candidates(git).stream()
                .limit(Parallel.DEFAULT_WIDTH - 1)
                .map(format::apply)
                .toList();
        Parallel.map(tags, Parallel.DEFAULT_WIDTH, tag -> digest(repository, tag));
    }

    /** Takes {@code <repository>:<tag>} as absent without asking: the plan's own lookup of a state tag found none. */
    public void absent(String repository, String tag) {
        digests.putIfAbsent(repository + ":" + tag, Lazy.of(Optional::empty));
    }

    /**
     * The candidates that exist, best first, one per distinct image (the commit tags of a branch mostly name the
     * same few images) and at most {@value #MAX_CACHE_SOURCES}: the {@code --cache-from} list of a build.
     */
    public List<String> existing(String repository, TagFormat format, State state) {
        List<String> asked = new ArrayList<>();
        asked.add(repository);
        candidates(state, git).stream().map(format::apply).forEach(asked::add);
        return answered.computeIfAbsent(
                        asked, key -> Lazy.of(() -> List.copyOf(look(repository, key.subList(1, key.size())))))
                .get();
    }

    /**
     * Asked a round of {@link Parallel#DEFAULT_WIDTH} side by side at a time, best first, until a round finds an
     * image: a branch's images are mostly its own tags and its first ancestors', the rounds after the one that found
     * the nearest images would name older ones (an image unchanged for twenty commits has twenty tags of one
     * digest), and every round left out is a round trip its build no longer waits for.
     */
    private List<String> look(String repository, List<String> tags) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int round = 0; round < tags.size() && out.isEmpty(); round += Parallel.DEFAULT_WIDTH) {
            List<String> asked = tags.subList(round, Math.min(tags.size(), round + Parallel.DEFAULT_WIDTH));
            List<Optional<String>> found = Parallel.map(asked, Parallel.DEFAULT_WIDTH, tag -> digest(repository, tag));
            for (int i = 0; i < asked.size() && out.size() < MAX_CACHE_SOURCES; i++) {
                Optional<String> digest = found.get(i);
                if (digest.isPresent() && seen.add(digest.get())) {
                    out.add(repository + ":" + asked.get(i));
                }
            }
        }
        return out;
    }

    private Optional<String> digest(String repository, String tag) {
        return digests.computeIfAbsent(repository + ":" + tag, key -> Lazy.of(() -> manifests.digest(repository, tag)))
                .get();
    }

    /** The first candidate that exists, as {@code <repository>:<tag>}. */
    public Optional<String> find(String repository, TagFormat format, State state) {
        return existing(repository, format, state).stream().findFirst();
    }
}
