package dev.deja.engine.build;

import dev.deja.engine.config.TagsConfig;
import dev.deja.engine.git.GitFacts;
import dev.deja.engine.plan.PlannedImage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tags an image gets besides its state tag. Fixed tags (commit, {@code --tag}) may be written at once; moving
 * tags (branch, latest) only after every image of the run succeeded, so they never point at a half-done release.
 * The tags git names (commit, branch, latest) are left out for an image whose inputs are not the commit's: they
 * would name content no commit has. Its state tag, {@code --tag} and its own tags are written as ever.
 *
 * @param fromGit     the tags among these that git names
 * @param uncommitted why an image is not the commit's, by name (see {@link UncommittedImages})
 */
public record ImageTags(
        List<String> fixed,
        List<String> moving,
        boolean movesOwnTags,
        Set<String> fromGit,
        Map<String, String> uncommitted) {

    public ImageTags {
        fixed = List.copyOf(fixed);
        moving = List.copyOf(moving);
        fromGit = Set.copyOf(fromGit);
        uncommitted = Collections.unmodifiableMap(new LinkedHashMap<>(uncommitted));
    }

    /** Tags for images that are all the commit's. */
    public ImageTags(List<String> fixed, List<String> moving, boolean movesOwnTags) {
        this(fixed, moving, movesOwnTags, Set.of(), Map.of());
    }

    /** These tags without the moving ones (a fan-out job leaves them, and images' own tags, to the last job). */
    public ImageTags fixedOnly() {
        return new ImageTags(fixed, List.of(), false, fromGit, uncommitted);
    }

    /** These tags, leaving git's out for the images {@code uncommitted} names (with why). */
    public ImageTags withUncommitted(Map<String, String> images) {
        return new ImageTags(fixed, moving, movesOwnTags, fromGit, images);
    }

    /** The fixed tags of one image, as its repository writes them. */
    public List<String> fixed(PlannedImage image) {
        return written(image, fixed);
    }

    /** The moving tags of one image, as its repository writes them: the run's, then the image's own. */
    public List<String> moving(PlannedImage image) {
        Set<String> all = new LinkedHashSet<>(moving);
        if (movesOwnTags) {
            all.addAll(image.ownTags());
        }
        all.removeAll(fixed);
        return written(image, all);
    }

    /** The run's moving tags that at least one of {@code images} gets (git's go to the commit's images only). */
    public List<String> movingFor(Collection<String> images) {
        boolean anyCommitted = images.stream().anyMatch(name -> !uncommitted.containsKey(name));
        return moving.stream()
                .filter(tag -> anyCommitted || !fromGit.contains(tag))
                .toList();
    }

    /** The tags git names that {@code image} does not get, as its repository would write them. */
    public List<String> leftOut(PlannedImage image) {
        if (!uncommitted.containsKey(image.name())) {
            return List.of();
        }
        Set<String> all = new LinkedHashSet<>(fixed);
        all.addAll(moving);
        all.retainAll(fromGit);
        return all.stream().map(image.tagFormat()::apply).toList();
    }

    private List<String> written(PlannedImage image, Collection<String> tags) {
        boolean committed = !uncommitted.containsKey(image.name());
        return tags.stream()
                .filter(tag -> committed || !fromGit.contains(tag))
                .map(image.tagFormat()::apply)
                .toList();
    }

    public static ImageTags of(TagsConfig config, GitFacts git, List<String> extra) {
        Set<String> fixed = new LinkedHashSet<>();
        Set<String> moving = new LinkedHashSet<>();
        Set<String> fromGit = new LinkedHashSet<>();
        if (config.commit() && !git.commit().isEmpty()) {
            fixed.add(git.commit());
            fromGit.add(git.commit());
        }
        fixed.addAll(extra);
        String slug = GitFacts.slug(git.branch());
        if (config.branch() && !slug.isEmpty()) {
            moving.add(slug);
            fromGit.add(slug);
        }
        if (!config.latestOn().isEmpty() && config.latestOn().equals(git.branch())) {
            moving.add("latest");
            fromGit.add("latest");
        }
        moving.removeAll(fixed);
        // A --tag that is also git's name (--tag main on main) is the user's: always written.
        fromGit.removeAll(extra);
        return new ImageTags(new ArrayList<>(fixed), new ArrayList<>(moving), true, fromGit, Map.of());
    }
}
