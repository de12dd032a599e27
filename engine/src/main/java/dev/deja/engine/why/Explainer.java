package dev.deja.engine.why;

import dev.deja.packer.state.EntryDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/** Compares an image's state now with an earlier one, and its parents' recursively where they differ. */
public final class Explainer {

    /** Where earlier states come from: the registry's images (their labels), or a commit's tree. */
    @FunctionalInterface
    public interface Earlier {
        /**
         * The earlier state of {@code image}.
         *
         * @param state for a parent: the state digest the earlier child names; empty for the image asked about
         */
        Optional<Snapshot> find(String image, Optional<String> state);
    }

    private final Function<String, Snapshot> now;
    private final Earlier earlier;

    public Explainer(Function<String, Snapshot> now, Earlier earlier) {
        this.now = now;
        this.earlier = earlier;
    }

    public Why explain(String image) {
        return explain(image, Optional.empty());
    }

    private Why explain(String image, Optional<String> earlierState) {
        Snapshot current = now.apply(image);
        Optional<Snapshot> found = earlier.find(image, earlierState);
        if (found.isEmpty()) {
            return Why.nothingEarlier(image, current.stateTag(), "no earlier state of " + image + " anywhere");
        }
        Snapshot before = found.get();
        if (before.summary().state().isEmpty()) {
            return new Why(image, current.stateTag(), before.where(), "", List.of(), before.note());
        }
        List<Change> changes = new ArrayList<>();
        if (!before.summary().state().equals(current.summary().state())) {
            compare(current, before, changes);
        }
        String note = before.note();
        return new Why(image, current.stateTag(), before.where(), before.stateTag(), changes, note);
    }

    private void compare(Snapshot current, Snapshot before, List<Change> changes) {
        StateSummary a = before.summary();
        StateSummary b = current.summary();
        if (!a.format().equals(b.format())) {
            changes.add(Change.of(Change.Kind.FORMAT, "", a.format(), b.format()));
        }
        if (current.entries().isPresent() && before.entries().isPresent()) {
            files(before, current, changes);
        } else {
            for (String folder : union(a.folders(), b.folders())) {
                if (!Objects.equals(a.folders().get(folder), b.folders().get(folder))) {
                    changes.add(Change.of(Change.Kind.FOLDER_CHANGED, folder, "", ""));
                }
            }
        }
        if (!a.dockerfile().equals(b.dockerfile())) {
            changes.add(Change.of(Change.Kind.DOCKERFILE, current.dockerfile(), "", ""));
        }
        pairs(Change.Kind.ARG, a.args(), b.args(), changes);
        if (!a.target().equals(b.target())) {
            changes.add(Change.of(Change.Kind.TARGET, "", a.target(), b.target()));
        }
        if (!a.platforms().equals(b.platforms())) {
            changes.add(Change.of(
                    Change.Kind.PLATFORMS, "", String.join(",", a.platforms()), String.join(",", b.platforms())));
        }
        pairs(Change.Kind.LABEL, a.labels(), b.labels(), changes);
        pairs(Change.Kind.CONTEXT, a.contexts(), b.contexts(), changes);
        for (String base : union(a.bases(), b.bases())) {
            String was = a.bases().get(base);
            String is = b.bases().get(base);
            if (was == null) {
                changes.add(Change.of(Change.Kind.BASE_ADDED, base, "", is));
            } else if (is == null) {
                changes.add(Change.of(Change.Kind.BASE_REMOVED, base, was, ""));
            } else if (!was.equals(is)) {
                changes.add(Change.of(Change.Kind.BASE_MOVED, base, was, is));
            }
        }
        for (String parent : union(a.parents(), b.parents())) {
            String was = a.parents().get(parent);
            String is = b.parents().get(parent);
            if (!Objects.equals(was, is)) {
                Optional<Why> because =
                        is == null ? Optional.empty() : Optional.of(explain(parent, Optional.ofNullable(was)));
                changes.add(
                        new Change(Change.Kind.PARENT, parent, was == null ? "" : was, is == null ? "" : is, because));
            }
        }
    }

    private static void files(Snapshot before, Snapshot current, List<Change> changes) {
        Map<String, EntryDigest> was = byPath(before);
        Map<String, EntryDigest> is = byPath(current);
        for (String path : union(was, is)) {
            EntryDigest a = was.get(path);
            EntryDigest b = is.get(path);
            if (a == null) {
                changes.add(Change.of(Change.Kind.FILE_ADDED, path, "", ""));
            } else if (b == null) {
                changes.add(Change.of(Change.Kind.FILE_REMOVED, path, "", ""));
            } else if (!a.equals(b)) {
                changes.add(Change.of(Change.Kind.FILE_CHANGED, path, kindOfChange(a, b), ""));
            }
        }
    }

    private static String kindOfChange(EntryDigest a, EntryDigest b) {
        List<String> kinds = new ArrayList<>();
        if (a.type() != b.type()) {
            kinds.add("type");
        }
        if (!a.contentSha256().equals(b.contentSha256())) {
            kinds.add("content");
        }
        if ((a.mode() & 0111) != (b.mode() & 0111)) {
            kinds.add("exec bit");
        } else if (a.mode() != b.mode()) {
            kinds.add("mode");
        }
        if (!a.linkTarget().equals(b.linkTarget())) {
            kinds.add("link target");
        }
        return String.join(", ", kinds);
    }

    private static Map<String, EntryDigest> byPath(Snapshot snapshot) {
        Map<String, EntryDigest> out = new TreeMap<>();
        for (EntryDigest entry : snapshot.entries().orElseThrow()) {
            if (!entry.path().equals(snapshot.dockerfile())) {
                out.put(entry.path(), entry);
            }
        }
        return out;
    }

    private static void pairs(Change.Kind kind, Map<String, String> was, Map<String, String> is, List<Change> out) {
        for (String key : union(was, is)) {
            if (!Objects.equals(was.get(key), is.get(key))) {
                out.add(Change.of(kind, key, was.getOrDefault(key, ""), is.getOrDefault(key, "")));
            }
        }
    }

    private static TreeSet<String> union(Map<String, ?> a, Map<String, ?> b) {
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        return keys;
    }
}
