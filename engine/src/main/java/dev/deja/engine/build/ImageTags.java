package dev.deja.engine.build;

import dev.deja.engine.config.TagsConfig;
import dev.deja.engine.git.GitFacts;
import dev.deja.engine.plan.PlannedImage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The tags an image gets besides its state tag. Fixed tags (commit, {@code --tag}) may be written at once; moving
 * tags (branch, latest) only after every image of the run succeeded, so they never point at a half-done release.
 */
public record ImageTags(List<String> fixed, List<String> moving, boolean movesOwnTags) {

    public ImageTags {
        fixed = List.copyOf(fixed);
        moving = List.copyOf(moving);
    }

    /** These tags without the moving ones (a fan-out job leaves them, and images' own tags, to the last job). */
    public ImageTags fixedOnly() {
        return new ImageTags(fixed, List.of(), false);
    }

    /** The fixed tags of one image, as its repository writes them. */
    public List<String> fixed(PlannedImage image) {
        return fixed.stream().map(image.tagFormat()::apply).toList();
    }

    /** The moving tags of one image, as its repository writes them: the run's, then the image's own. */
    public List<String> moving(PlannedImage image) {
        Set<String> all = new LinkedHashSet<>(moving);
        if (movesOwnTags) {
            all.addAll(image.ownTags());
        }
        all.removeAll(fixed);
        return all.stream().map(image.tagFormat()::apply).toList();
    }

    public static ImageTags of(TagsConfig config, GitFacts git, List<String> extra) {
        Set<String> fixed = new LinkedHashSet<>();
        Set<String> moving = new LinkedHashSet<>();
        if (config.commit() && !git.commit().isEmpty()) {
            fixed.add(git.commit());
        }
        fixed.addAll(extra);
        String slug = GitFacts.slug(git.branch());
        if (config.branch() && !slug.isEmpty()) {
            moving.add(slug);
        }
        if (!config.latestOn().isEmpty() && config.latestOn().equals(git.branch())) {
            moving.add("latest");
        }
        moving.removeAll(fixed);
        return new ImageTags(new ArrayList<>(fixed), new ArrayList<>(moving), true);
    }
}
