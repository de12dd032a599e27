package dev.deja.packer.state;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything besides the context entries that reaches the builder and so enters the state.
 *
 * @param dockerfile   the Dockerfile's path inside the context
 * @param args         build arguments
 * @param target       the target stage, "" for the last one
 * @param platforms    target platforms, sorted, no duplicates
 * @param parentStates state of every image this one depends on, by image name
 * @param labels       image labels
 * @param contexts     named build contexts, each as what it stands for: {@code image:<state digest>},
 *                     {@code docker-image://<ref>}, or {@code folder:<entries digest>}
 * @param bases        every image from outside the repository it uses, by normalized reference
 *                     ({@code docker.io/library/python:3.12-slim}): its manifest digest, or {@link #UNRESOLVED}
 */
public record BuildInputs(
        String dockerfile,
        SortedMap<String, String> args,
        String target,
        List<String> platforms,
        SortedMap<String, String> parentStates,
        SortedMap<String, String> labels,
        SortedMap<String, String> contexts,
        SortedMap<String, String> bases) {

    /** What a base's digest is when it could not be known (offline, no lock): such a state is never an online one. */
    public static final String UNRESOLVED = "unresolved";

    public BuildInputs {
        bases = Collections.unmodifiableSortedMap(new TreeMap<>(bases));
        args = Collections.unmodifiableSortedMap(new TreeMap<>(args));
        labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
        contexts = Collections.unmodifiableSortedMap(new TreeMap<>(contexts));
        platforms = platforms.stream().distinct().sorted().toList();
        parentStates = Collections.unmodifiableSortedMap(new TreeMap<>(parentStates));
        target = target == null ? "" : target;
    }

    public static BuildInputs of(
            String dockerfile,
            Map<String, String> args,
            String target,
            List<String> platforms,
            Map<String, String> parentStates) {
        return new BuildInputs(
                dockerfile,
                new TreeMap<>(args),
                target,
                platforms,
                new TreeMap<>(parentStates),
                new TreeMap<>(),
                new TreeMap<>(),
                new TreeMap<>());
    }

    /** These inputs with labels and named contexts. */
    public BuildInputs with(Map<String, String> newLabels, Map<String, String> newContexts) {
        return new BuildInputs(
                dockerfile,
                args,
                target,
                platforms,
                parentStates,
                new TreeMap<>(newLabels),
                new TreeMap<>(newContexts),
                bases);
    }

    /** These inputs with the digests of the images from outside the repository they use. */
    public BuildInputs withBases(Map<String, String> newBases) {
        return new BuildInputs(
                dockerfile, args, target, platforms, parentStates, labels, contexts, new TreeMap<>(newBases));
    }

    /** The bases whose digest is not known: the state stands for no build an online run would make. */
    public List<String> unresolvedBases() {
        return bases.entrySet().stream()
                .filter(base -> base.getValue().equals(UNRESOLVED))
                .map(Map.Entry::getKey)
                .toList();
    }
}
