package dev.deja.engine.graph;

import dev.deja.engine.config.ConfigException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which images a command acts on.
 *
 * @param names      exactly these
 * @param upto       these and everything they depend on
 * @param dependents these and everything that depends on them
 * @param exclude    minus these and everything that depends on them
 */
public record Selection(List<String> names, List<String> upto, List<String> dependents, List<String> exclude) {

    public static final Selection ALL = new Selection(List.of(), List.of(), List.of(), List.of());

    public Selection {
        names = List.copyOf(names);
        upto = List.copyOf(upto);
        dependents = List.copyOf(dependents);
        exclude = List.copyOf(exclude);
    }

    public static Selection of(List<String> names) {
        return new Selection(names, List.of(), List.of(), List.of());
    }

    /** The selected images in dependency order (parents first). */
    public List<String> apply(ImageGraph graph) {
        Set<String> chosen = new LinkedHashSet<>();
        boolean positive = !names.isEmpty() || !upto.isEmpty() || !dependents.isEmpty();
        for (String name : names) {
            chosen.add(known(graph, name));
        }
        for (String name : upto) {
            chosen.addAll(graph.ancestorsAndSelf(known(graph, name)));
        }
        for (String name : dependents) {
            chosen.addAll(graph.descendantsAndSelf(known(graph, name)));
        }
        if (!positive) {
            chosen.addAll(graph.names());
        }
        for (String name : exclude) {
            chosen.removeAll(graph.descendantsAndSelf(known(graph, name)));
        }
        return graph.topologicalOrder().stream().filter(chosen::contains).toList();
    }

    private static String known(ImageGraph graph, String name) {
        if (!graph.names().contains(name)) {
            // Not a mistake in a file unless deja.yaml lists the images (config().file() is null without one).
            throw new ConfigException(
                    graph.project().config().file(),
                    "unknown image '" + name + "' (images: " + String.join(", ", graph.names()) + ")");
        }
        return name;
    }
}
