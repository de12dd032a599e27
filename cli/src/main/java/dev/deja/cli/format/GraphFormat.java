package dev.deja.cli.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.deja.engine.graph.Dependency;
import dev.deja.engine.graph.ImageGraph;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders the image graph for people (text), for Graphviz (dot), for Markdown (mermaid) and for tools (json). */
public enum GraphFormat {
    TEXT {
        @Override
        public String render(ImageGraph graph, List<String> names) {
            StringBuilder out = new StringBuilder();
            for (String name : names) {
                out.append(name);
                List<Dependency> parents = graph.parents(name);
                if (!parents.isEmpty()) {
                    out.append("  <- ");
                    List<String> described = new ArrayList<>();
                    for (Dependency d : parents) {
                        described.add(d.parent() + " (" + d.how() + " " + where(graph, d) + ")");
                    }
                    out.append(String.join(", ", described));
                }
                out.append('\n');
            }
            return out.toString();
        }
    },
    DOT {
        @Override
        public String render(ImageGraph graph, List<String> names) {
            StringBuilder out = new StringBuilder("digraph deja {\n  rankdir=LR;\n  node [shape=box];\n");
            for (String name : names) {
                out.append("  ").append(quote(name)).append(";\n");
            }
            for (String name : names) {
                for (Dependency d : graph.parents(name)) {
                    if (names.contains(d.parent())) {
                        out.append("  ")
                                .append(quote(d.parent()))
                                .append(" -> ")
                                .append(quote(name))
                                .append(" [label=")
                                .append(quote(d.how()))
                                .append("];\n");
                    }
                }
            }
            return out.append("}\n").toString();
        }
    },
    MERMAID {
        @Override
        public String render(ImageGraph graph, List<String> names) {
            StringBuilder out = new StringBuilder("graph LR\n");
            for (String name : names) {
                out.append("  ")
                        .append(id(names, name))
                        .append("[\"")
                        .append(name)
                        .append("\"]\n");
            }
            for (String name : names) {
                for (Dependency d : graph.parents(name)) {
                    if (names.contains(d.parent())) {
                        out.append("  ")
                                .append(id(names, d.parent()))
                                .append(" -->|")
                                .append(d.how())
                                .append("| ")
                                .append(id(names, name))
                                .append('\n');
                    }
                }
            }
            return out.toString();
        }
    },
    JSON {
        @Override
        public String render(ImageGraph graph, List<String> names) {
            List<Map<String, Object>> images = new ArrayList<>();
            for (String name : names) {
                Map<String, Object> image = new LinkedHashMap<>();
                image.put("name", name);
                image.put("level", graph.level(name));
                List<Map<String, Object>> parents = new ArrayList<>();
                for (Dependency d : graph.parents(name)) {
                    Map<String, Object> parent = new LinkedHashMap<>();
                    parent.put("name", d.parent());
                    parent.put("how", d.how());
                    parent.put("file", relative(graph, d.file()));
                    parent.put("line", d.line());
                    parents.add(parent);
                }
                image.put("parents", parents);
                images.add(image);
            }
            List<List<String>> levels = new ArrayList<>();
            for (List<String> level : graph.levels()) {
                List<String> kept = level.stream().filter(names::contains).toList();
                if (!kept.isEmpty()) {
                    levels.add(kept);
                }
            }
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("images", images);
            root.put("levels", levels);
            return Json.write(root);
        }
    };

    public abstract String render(ImageGraph graph, List<String> names);

    static String where(ImageGraph graph, Dependency d) {
        return relative(graph, d.file()) + (d.line() > 0 ? ":" + d.line() : "");
    }

    static String relative(ImageGraph graph, Path file) {
        Path root = graph.project().root();
        return file.startsWith(root) ? root.relativize(file).toString() : file.toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String id(List<String> names, String name) {
        return "i" + names.indexOf(name);
    }

    /** Pretty JSON with a trailing newline; one mapper for all reports. */
    public static final class Json {
        private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        private Json() {}

        /** One line, for CI outputs. */
        public static String compact(Object value) {
            try {
                return new ObjectMapper().writeValueAsString(value);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        public static String write(Object value) {
            try {
                return MAPPER.writeValueAsString(value) + "\n";
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
