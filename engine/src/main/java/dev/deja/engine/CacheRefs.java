package dev.deja.engine;

import dev.deja.packer.state.State;
import dev.deja.registry.RegistryClient;
import dev.deja.registry.Repository;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The best {@code --cache-from} reference for an image, in PRODUCT.md's order: its current state tag, the branch
 * tag, the default branch's tag, the commit tags of the first-parent ancestors; else nothing.
 */
public final class CacheRefs {

    private CacheRefs() {
    }

    /** The tags to try, best first. */
    public static List<String> candidates(State state, GitFacts git) {
        Set<String> tags = new LinkedHashSet<>();
        tags.add(state.tag());
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

    /** At most this many distinct images go into {@code --cache-from}: each one costs the builder a fetch. */
    static final int MAX_CACHE_SOURCES = 3;

    /**
     * The candidates that exist, best first, one per distinct image (the commit tags of a branch mostly name the
     * same few images) and at most {@value #MAX_CACHE_SOURCES}: the {@code --cache-from} list of a build.
     */
    public static List<String> existing(RegistryClient registry, String repository, State state, GitFacts git) {
        Repository repo = Repository.parse(repository);
        List<String> tags = candidates(state, git);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(8, tags.size())));
        try {
            List<Future<Optional<String>>> digests = new ArrayList<>();
            for (String tag : tags) {
                digests.add(pool.submit(() -> registry.exists(repo, tag).map(d -> d.digest())));
            }
            List<String> out = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < tags.size() && out.size() < MAX_CACHE_SOURCES; i++) {
                Optional<String> digest = Futures.get(digests.get(i));
                if (digest.isPresent() && seen.add(digest.get())) {
                    out.add(repository + ":" + tags.get(i));
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The first candidate that exists, as {@code <repository>:<tag>}. */
    public static Optional<String> find(RegistryClient registry, String repository, State state, GitFacts git) {
        return existing(registry, repository, state, git).stream().findFirst();
    }
}
