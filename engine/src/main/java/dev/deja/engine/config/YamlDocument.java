package dev.deja.engine.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deja.packer.InputException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * A YAML file read the way compose reads it, as a JSON tree with the line of every value: anchors and aliases
 * resolved, merge keys ({@code <<: *base}) applied, {@code x-} extension keys dropped where the format allows
 * them, {@code ${VAR}} interpolated in values, scalars typed by YAML 1.2's core schema (so {@code yes} and
 * {@code 3.10} stay text). Duplicate keys are errors.
 *
 * @param root      the document ({@code null} node for an empty file)
 * @param locations line and column of each value, by JSON pointer
 */
public record YamlDocument(Path file, JsonNode root, Map<String, Location> locations) {

    /** 1-based line and column. */
    public record Location(int line, int column) {}

    /** How a file is read: where {@code x-} keys are extensions, and how values are interpolated. */
    public record Reading(Predicate<List<String>> extensionsAt, Interpolator interpolator) {}

    private static final int MAX_DEPTH = 100;

    public YamlDocument {
        locations = Map.copyOf(locations);
    }

    public static YamlDocument read(Path file, Reading reading) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file, "cannot read: " + InputException.reason(e));
        }
        return parse(file, text, reading);
    }

    public static YamlDocument parse(Path file, String text, Reading reading) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(200);
        options.setNestingDepthLimit(MAX_DEPTH);
        Node node;
        try {
            // What Yaml.compose does, without a Yaml: its constructor and representer (never used here) cost 20 ms of
            // a run's start, most of it the logging set-up of their type descriptions.
            node = new Composer(
                            new ParserImpl(new StreamReader(new StringReader(text)), options), new Resolver(), options)
                    .getSingleNode();
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            throw new ConfigException(
                    file,
                    mark == null ? 0 : mark.getLine() + 1,
                    mark == null ? 0 : mark.getColumn() + 1,
                    "invalid YAML: " + problem.lines().findFirst().orElse(""));
        } catch (YAMLException e) {
            throw new ConfigException(file, "invalid YAML: " + e.getMessage());
        }
        Builder builder = new Builder(file, reading);
        JsonNode root = node == null ? JsonNodeFactory.instance.nullNode() : builder.convert(node, List.of(), "");
        return new YamlDocument(file, root, builder.locations);
    }

    /** The line of the value at {@code pointer}, or of its nearest ancestor that has one (0: none). */
    public int line(String pointer) {
        return location(pointer).line();
    }

    public Location location(String pointer) {
        for (String p = pointer; ; p = p.substring(0, p.lastIndexOf('/'))) {
            Location location = locations.get(p);
            if (location != null) {
                return location;
            }
            if (p.isEmpty()) {
                return new Location(0, 0);
            }
        }
    }

    /** {@code /images/acme~1shared}: a JSON pointer's escaping of one key. */
    public static String pointer(String parent, String key) {
        return parent + "/" + key.replace("~", "~0").replace("/", "~1");
    }

    private static final class Builder {
        private final Path file;
        private final Reading reading;
        private final Map<String, Location> locations = new HashMap<>();
        private final Map<Node, Boolean> open = new IdentityHashMap<>();

        Builder(Path file, Reading reading) {
            this.file = file;
            this.reading = reading;
        }

        JsonNode convert(Node node, List<String> path, String pointer) {
            locations.putIfAbsent(pointer, at(node));
            if (open.put(node, Boolean.TRUE) != null) {
                throw new ConfigException(file, at(node).line(), 0, "an alias refers to a value that contains it");
            }
            try {
                if (node instanceof ScalarNode scalar) {
                    return scalar(scalar);
                }
                if (node instanceof SequenceNode sequence) {
                    ArrayNode array = JsonNodeFactory.instance.arrayNode();
                    List<Node> items = sequence.getValue();
                    for (int i = 0; i < items.size(); i++) {
                        List<String> itemPath = append(path, "[" + i + "]");
                        array.add(convert(items.get(i), itemPath, pointer + "/" + i));
                    }
                    return array;
                }
                return mapping((MappingNode) node, path, pointer);
            } finally {
                open.remove(node);
            }
        }

        private JsonNode mapping(MappingNode node, List<String> path, String pointer) {
            Map<String, NodeTuple> explicit = new LinkedHashMap<>();
            List<MappingNode> merged = new ArrayList<>();
            for (NodeTuple tuple : node.getValue()) {
                if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                    throw new ConfigException(file, at(tuple.getKeyNode()).line(), "a key must be a plain value");
                }
                if (key.getValue().equals("<<") && key.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN) {
                    merged.addAll(mergeSources(tuple.getValueNode()));
                    continue;
                }
                if (explicit.put(key.getValue(), tuple) != null) {
                    throw new ConfigException(
                            file,
                            at(key).line(),
                            at(key).column(),
                            "duplicate key '" + key.getValue() + "'" + (path.isEmpty() ? "" : " in " + dotted(path)));
                }
            }
            // Explicit keys win over merged ones; of merged mappings the first that has a key wins (YAML's rule).
            Map<String, NodeTuple> entries = new LinkedHashMap<>();
            for (MappingNode source : merged) {
                for (NodeTuple tuple : source.getValue()) {
                    if (tuple.getKeyNode() instanceof ScalarNode key
                            && !key.getValue().equals("<<")) {
                        entries.putIfAbsent(key.getValue(), tuple);
                    }
                }
            }
            entries.keySet().removeAll(explicit.keySet());
            Map<String, NodeTuple> all = new LinkedHashMap<>(explicit);
            all.putAll(entries);
            boolean extensions = reading.extensionsAt().test(path);
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, NodeTuple> entry : all.entrySet()) {
                String key = entry.getKey();
                if (extensions && key.startsWith("x-")) {
                    continue;
                }
                String child = pointer(pointer, key);
                locations.put(child, at(entry.getValue().getKeyNode()));
                object.set(key, convert(entry.getValue().getValueNode(), append(path, key), child));
            }
            return object;
        }

        private List<MappingNode> mergeSources(Node value) {
            if (value instanceof MappingNode mapping) {
                return List.of(mapping);
            }
            if (value instanceof SequenceNode sequence
                    && sequence.getValue().stream().allMatch(MappingNode.class::isInstance)) {
                return sequence.getValue().stream().map(MappingNode.class::cast).toList();
            }
            throw new ConfigException(
                    file, at(value).line(), "a merge key (<<) takes a mapping or a list of mappings, such as *anchor");
        }

        private JsonNode scalar(ScalarNode scalar) {
            String value = scalar.getValue();
            boolean plain = scalar.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
            if (plain && isNull(value)) {
                return JsonNodeFactory.instance.nullNode();
            }
            if (reading.interpolator() != null) {
                value = reading.interpolator()
                        .interpolate(value, file, at(scalar).line());
            }
            if (plain && value.matches("true|True|TRUE|false|False|FALSE")) {
                return JsonNodeFactory.instance.booleanNode(value.equalsIgnoreCase("true"));
            }
            return JsonNodeFactory.instance.textNode(value);
        }

        private static boolean isNull(String value) {
            return value.isEmpty() || value.equals("~") || value.matches("null|Null|NULL");
        }

        private static Location at(Node node) {
            Mark mark = node.getStartMark();
            return mark == null ? new Location(0, 0) : new Location(mark.getLine() + 1, mark.getColumn() + 1);
        }

        private static List<String> append(List<String> path, String key) {
            List<String> out = new ArrayList<>(path);
            out.add(key);
            return out;
        }
    }

    /** {@code images.api.args}, for messages. */
    public static String dotted(List<String> path) {
        StringBuilder out = new StringBuilder();
        for (String part : path) {
            if (out.length() > 0 && !part.startsWith("[")) {
                out.append('.');
            }
            out.append(part);
        }
        return out.toString();
    }
}
