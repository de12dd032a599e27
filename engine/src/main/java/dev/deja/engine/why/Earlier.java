package dev.deja.engine.why;

import dev.deja.engine.exec.Parallel;
import dev.deja.engine.graph.ImageGraph;
import dev.deja.engine.pack.ImagePacker;
import dev.deja.engine.pack.PackedImage;
import dev.deja.engine.plan.Manifests;
import dev.deja.engine.project.TagFormat;
import dev.deja.packer.state.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The two places earlier states come from. */
public final class Earlier {

    private Earlier() {}

    /** What a packer makes of an image: its summary, with the bases of its ancestors. */
    public static StateSummary summary(ImagePacker packer, ImageGraph graph, String name) {
        Map<String, String> inherited = new java.util.TreeMap<>();
        for (String ancestor : graph.ancestorsAndSelf(name)) {
            if (!ancestor.equals(name)) {
                inherited.putAll(packer.pack(ancestor).inputs().bases());
            }
        }
        return StateSummary.of(packer.pack(name), graph.dockerfile(name), inherited);
    }

    /** An image's snapshot from a packer: its summary and entries. */
    public static Snapshot of(ImagePacker packer, ImageGraph graph, String name, String where) {
        PackedImage packed = packer.pack(name);
        return new Snapshot(
                where,
                summary(packer, graph, name),
                Optional.of(packed.digests()),
                packed.context().dockerfile(),
                "");
    }

    /** The project at a commit: its graph and a packer over its files. */
    public record Checkout(ImageGraph graph, ImagePacker packer) {}

    /** The project at a commit git has here, with the given base digests; empty when git does not have it. */
    @FunctionalInterface
    public interface Revisions {
        Optional<Checkout> at(String revision, Map<String, String> bases);
    }

    /**
     * The registry's images: the image asked about at {@code nearestTag} (the cache-ref order), parents at the
     * state the earlier child names; each one's summary read from its labels, and its entries from its commit's
     * tree when git has it.
     */
    public static Explainer.Earlier registry(
            Manifests manifests,
            ImageGraph now,
            Function<String, Optional<String>> nearestTag,
            Revisions revisions,
            List<String> taggedCommits) {
        return (image, state) -> {
            String repository = now.project().repository(image);
            TagFormat format = now.project().byName().get(image).tagFormat();
            Optional<String> tag = state.isPresent()
                    ? Optional.of(format.apply(new State(state.get()).tag()))
                    : nearestTag.apply(image);
            if (tag.isEmpty()) {
                return Optional.empty();
            }
            String where = repository + ":" + tag.get();
            Optional<Map<String, String>> labels = manifests.labels(repository, tag.get());
            if (labels.isEmpty()) {
                return Optional.empty();
            }
            Optional<StateSummary> summary = StateSummary.fromJson(labels.get().get(StateSummary.LABEL));
            if (summary.isEmpty()) {
                return Optional.of(withoutFiles(
                        where,
                        StateSummary.unknown(),
                        where + " carries no " + StateSummary.LABEL + " label (not built by this deja):"
                                + " compare with a commit instead (--against REV)"));
            }
            String revision = labels.get().getOrDefault(StateSummary.REVISION_LABEL, "");
            String uncommitted = labels.get().getOrDefault(StateSummary.UNCOMMITTED_LABEL, "");
            String filesOf = "built at " + shortRevision(revision);
            if (!uncommitted.isEmpty()) {
                // Its commit does not have its files: checking that commit out could not give them. A later commit
                // that does may have been tagged with this very image (deja tags a commit only with the image its
                // files make).
                Optional<String> tagged = commitTaggedWith(manifests, repository, format, tag.get(), taggedCommits);
                if (tagged.isEmpty()) {
                    return Optional.of(withoutFiles(
                            where,
                            summary.get(),
                            "built at " + shortRevision(revision) + " from files that commit does not have ("
                                    + uncommitted + "): files compared by folder"));
                }
                revision = tagged.get();
                filesOf = "the files of " + shortRevision(revision) + ", whose tag it holds";
            }
            Optional<Checkout> then = revision.isEmpty()
                    ? Optional.empty()
                    : revisions.at(revision, summary.get().allBases());
            if (then.isPresent() && then.get().graph().names().contains(image)) {
                PackedImage packed = then.get().packer().pack(image);
                if (packed.state().digest().equals(summary.get().state())) {
                    return Optional.of(new Snapshot(
                            where + " (" + filesOf + ")",
                            summary.get(),
                            Optional.of(packed.digests()),
                            packed.context().dockerfile(),
                            ""));
                }
            }
            String note = revision.isEmpty()
                    ? ""
                    : then.isEmpty()
                            ? "its commit " + shortRevision(revision)
                                    + " is not in this clone: files compared by folder"
                            : "commit " + shortRevision(revision) + " does not give its state here: files compared by"
                                    + " folder";
            return Optional.of(withoutFiles(where, summary.get(), note));
        };
    }

    /**
     * The first of {@code commits} whose commit tag names the same image as {@code tag}: its files make that image's
     * state. Asked only of an image built from uncommitted files, one HEAD per commit, side by side.
     */
    private static Optional<String> commitTaggedWith(
            Manifests manifests, String repository, TagFormat format, String tag, List<String> commits) {
        if (commits.isEmpty()) {
            return Optional.empty();
        }
        // The image's own tag first, the commits' after it: one round of requests, not two.
        List<String> tags = new ArrayList<>(List.of(tag));
        commits.forEach(commit -> tags.add(format.apply(commit)));
        List<Optional<String>> digests =
                Parallel.map(tags, Parallel.DEFAULT_WIDTH, asked -> manifests.digest(repository, asked));
        Optional<String> digest = digests.get(0);
        for (int i = 1; i < tags.size() && digest.isPresent(); i++) {
            if (digests.get(i).equals(digest)) {
                return Optional.of(commits.get(i - 1));
            }
        }
        return Optional.empty();
    }

    /** An earlier image known by its summary only: its files are compared by folder, and {@code note} says why. */
    private static Snapshot withoutFiles(String where, StateSummary summary, String note) {
        return new Snapshot(where, summary, Optional.empty(), "", note);
    }

    /** A commit's tree: every image at its state there. */
    public static Explainer.Earlier revision(String revision, Checkout then) {
        return (image, state) -> then.graph().names().contains(image)
                ? Optional.of(of(then.packer(), then.graph(), image, "revision " + shortRevision(revision)))
                : Optional.empty();
    }

    public static String shortRevision(String revision) {
        return revision.length() > 12 ? revision.substring(0, 12) : revision;
    }
}
