package dev.deja.engine.project;

import dev.deja.engine.config.ConfigLoader;
import dev.deja.engine.config.ImageNames;
import dev.deja.engine.config.Notice;
import dev.deja.packer.context.RepoPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The deja.yaml deja would use for a project, written for its user to edit ({@code deja init}). Loading it back
 * gives the same images with the same states. A project whose images come from a compose or bake file keeps them
 * there ({@code from:}) and lists them as comments; a discovered one lists its images, with what discovery decided
 * (skipped files, inferred contexts) as comments.
 */
public final class InitialConfig {

    private InitialConfig() {}

    public static String render(Project project) {
        List<String> out = new ArrayList<>();
        out.add("# " + ConfigLoader.FILE_NAME + ", written by `deja init`: the images deja found, for you to edit.");
        out.add("# Every key is explained in the README's config reference.");
        Optional<ImageDefinition> unplaced = project.imageWithoutRegistry();
        if (unplaced.isPresent()) {
            registrySuggestion(project, unplaced.get()).forEach(out::add);
        } else if (project.config().localMode()) {
            out.add(
                    "# registry: registry.example.com/acme   # where images live (<registry>/<name>); without one, the");
            out.add("#                                       # local Docker daemon's image store is the cache");
        } else {
            out.add("registry: " + scalar(project.config().registry()));
        }
        if (project.source().isPresent()) {
            String from = project.source().get().describe(project.root());
            out.add("# The images come from " + from + ": edit them there. Settings under images: here change or add");
            out.add("# to that file's (only the keys you write).");
            out.add("from: " + (from.contains(", ") ? "[" + from + "]" : scalar(from)));
            out.add("# images:");
            for (ImageDefinition image : project.images()) {
                image(image).forEach(line -> out.add("# " + line));
            }
        } else {
            out.add("images:");
            for (ImageDefinition image : project.images()) {
                out.addAll(image(image));
            }
        }
        if (!project.notices().isEmpty()) {
            out.add("");
            out.add("# What deja decided while reading this checkout:");
            for (Notice notice : project.notices()) {
                out.add("#   " + notice.describe(project.root()).replace("\n", " "));
            }
        }
        return String.join("\n", out) + "\n";
    }

    /**
     * Some images name their registry, others none: deja refuses the project until a registry: says where the others
     * live. The one the named images share is suggested, commented out: where images are pushed is the user's call.
     */
    private static List<String> registrySuggestion(Project project, ImageDefinition unplaced) {
        TreeSet<String> prefixes = new TreeSet<>();
        List<String> named = new ArrayList<>();
        for (ImageDefinition image : project.images()) {
            if (ImageNames.hasRegistryHost(image.repository())) {
                named.add(image.name());
                prefixes.add(RepoPath.parent(image.repository()));
            }
        }
        String suggested =
                prefixes.size() == 1 && !prefixes.first().isEmpty() ? prefixes.first() : "registry.example.com/acme";
        return List.of(
                "# " + String.join(", ", named) + " name" + (named.size() == 1 ? "s its" : " their") + " registry, "
                        + unplaced.name() + " names none: deja cannot tell where it lives. Set the registry the",
                "# images without one are pushed to (<registry>/<name>), or give " + unplaced.name()
                        + " a repository with a registry host:",
                "# registry: " + scalar(suggested));
    }

    /** One image's entry, indented under {@code images:}, only what differs from the defaults. */
    private static List<String> image(ImageDefinition image) {
        List<String> out = new ArrayList<>();
        out.add("  " + key(image.name()) + ":");
        if (!image.inlineDockerfile().isEmpty()) {
            out.add("    dockerfile_inline: " + scalar(image.inlineDockerfile()));
            out.add("    context: " + scalar(image.context().isEmpty() ? "." : image.context()));
        } else {
            out.add("    dockerfile: " + scalar(image.dockerfile()));
            if (!image.context().equals(RepoPath.parent(image.dockerfile()))) {
                out.add("    context: " + scalar(image.context().isEmpty() ? "." : image.context()));
            }
        }
        list(out, "include", image.include());
        list(out, "exclude", image.exclude());
        mapping(out, "args", image.args());
        if (!image.target().isEmpty()) {
            out.add("    target: " + scalar(image.target()));
        }
        list(out, "platforms", image.platforms());
        mapping(out, "labels", image.labels());
        Map<String, String> contexts = new TreeMap<>();
        image.contexts()
                .forEach((name, context) -> contexts.put(
                        name,
                        switch (context.kind()) {
                            case IMAGE -> "target:" + context.value();
                            case EXTERNAL -> "docker-image://" + context.value();
                            case FOLDER -> context.value();
                        }));
        mapping(out, "contexts", contexts);
        if (!image.repository().isEmpty()) {
            out.add("    repository: " + scalar(image.repository()));
        }
        list(out, "tags", image.tags());
        list(out, "aliases", image.aliases());
        list(out, "depends_on", image.dependsOn());
        if (!image.output().isEmpty()) {
            out.add("    output: " + scalar(image.output()));
        }
        mapping(out, "secrets", image.secrets());
        list(out, "ssh", image.ssh());
        if (!image.run().network().isEmpty()) {
            out.add("    network: " + scalar(image.run().network()));
        }
        list(out, "extra_hosts", image.run().extraHosts());
        if (!image.run().shmSize().isEmpty()) {
            out.add("    shm_size: " + scalar(image.run().shmSize()));
        }
        list(out, "ulimits", image.run().ulimits());
        list(out, "entitlements", image.run().entitlements());
        return out;
    }

    private static void list(List<String> out, String key, List<String> values) {
        if (!values.isEmpty()) {
            out.add("    " + key + ": ["
                    + String.join(
                            ", ", values.stream().map(InitialConfig::scalar).toList()) + "]");
        }
    }

    private static void mapping(List<String> out, String key, Map<String, String> values) {
        if (!values.isEmpty()) {
            out.add("    " + key + ":");
            new TreeMap<>(values).forEach((k, v) -> out.add("      " + key(k) + ": " + scalar(v)));
        }
    }

    private static String key(String key) {
        return key.matches("[A-Za-z0-9_./-]+") ? key : quoted(key);
    }

    /** Plain when YAML reads it back as the same string, else double-quoted (and {@code $} doubled). */
    static String scalar(String value) {
        boolean plain = value.matches("[A-Za-z0-9_./@+-][A-Za-z0-9_./:@+-]*")
                && !value.matches(
                        "(?i)true|false|yes|no|on|off|null|~|[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)(e[-+]?[0-9]+)?")
                && !value.endsWith(":");
        return plain ? value : quoted(value);
    }

    private static String quoted(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '$' -> out.append("$$");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
