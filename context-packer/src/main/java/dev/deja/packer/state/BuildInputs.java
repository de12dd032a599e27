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
 */
public record BuildInputs(
        String dockerfile,
        SortedMap<String, String> args,
        String target,
        List<String> platforms,
        SortedMap<String, String> parentStates) {

    public BuildInputs {
        args = Collections.unmodifiableSortedMap(new TreeMap<>(args));
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
        return new BuildInputs(dockerfile, new TreeMap<>(args), target, platforms, new TreeMap<>(parentStates));
    }
}
