package dev.deja.engine.why;

import dev.deja.engine.graph.ImageGraph;
import dev.deja.engine.pack.ImagePacker;
import dev.deja.engine.pack.PackedImage;
import dev.deja.engine.plan.Manifests;
import dev.deja.packer.state.State;
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
            Manifests manifests, ImageGraph now, Function<String, Optional<String>> nearestTag, Revisions revisions) {
        return (image, state) -> {
            String repository = now.project().repository(image);
            Optional<String> tag = state.isPresent()
                    ? Optional.of(now.project().byName().get(image).tagFormat().apply(new State(state.get()).tag()))
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
                return Optional.of(new Snapshot(
                        where,
                        StateSummary.unknown(),
                        Optional.empty(),
                        "",
                        where + " carries no " + StateSummary.LABEL + " label (not built by this deja):"
                                + " compare with a commit instead (--against REV)"));
            }
            String revision = labels.get().getOrDefault(StateSummary.REVISION_LABEL, "");
            String uncommitted = labels.get().getOrDefault(StateSummary.UNCOMMITTED_LABEL, "");
            if (!uncommitted.isEmpty()) {
                // Its commit does not have its files: checking that commit out could not give them.
                return Optional.of(new Snapshot(
                        where,
                        summary.get(),
                        Optional.empty(),
                        "",
                        "built at " + shortRevision(revision) + " from files that commit does not have (" + uncommitted
                                + "): files compared by folder"));
            }
            Optional<Checkout> then = revision.isEmpty()
                    ? Optional.empty()
                    : revisions.at(revision, summary.get().allBases());
            if (then.isPresent() && then.get().graph().names().contains(image)) {
                PackedImage packed = then.get().packer().pack(image);
                if (packed.state().digest().equals(summary.get().state())) {
                    return Optional.of(new Snapshot(
                            where + " (built at " + shortRevision(revision) + ")",
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
            return Optional.of(new Snapshot(where, summary.get(), Optional.empty(), "", note));
        };
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
