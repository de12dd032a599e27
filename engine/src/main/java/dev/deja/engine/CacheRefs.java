package dev.deja.engine;

import dev.deja.packer.State;
import dev.deja.registry.RegistryClient;
import dev.deja.registry.Repository;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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

    /** Every candidate that exists, best first (the {@code --cache-from} list of a build). */
    public static List<String> existing(RegistryClient registry, String repository, State state, GitFacts git) {
        Repository repo = Repository.parse(repository);
        List<String> out = new ArrayList<>();
        for (String tag : candidates(state, git)) {
            if (registry.exists(repo, tag).isPresent()) {
                out.add(repository + ":" + tag);
            }
        }
        return out;
    }

    /** The first candidate that exists, as {@code <repository>:<tag>}. */
    public static Optional<String> find(RegistryClient registry, String repository, State state, GitFacts git) {
        Repository repo = Repository.parse(repository);
        for (String tag : candidates(state, git)) {
            if (registry.exists(repo, tag).isPresent()) {
                return Optional.of(repository + ":" + tag);
            }
        }
        return Optional.empty();
    }
}
