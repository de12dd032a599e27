package dev.deja.engine.graph;

import dev.deja.engine.config.ConfigException;
import dev.deja.engine.config.ImageNames;
import dev.deja.engine.config.Notice;
import dev.deja.engine.project.ImageDefinition;
import dev.deja.engine.project.NamedContext;
import dev.deja.engine.project.Project;
import dev.deja.packer.context.ContextCollector;
import dev.deja.packer.context.ContextSpec;
import dev.deja.packer.context.RepoPath;
import dev.deja.packer.dockerfile.Arguments;
import dev.deja.packer.dockerfile.CopySource;
import dev.deja.packer.dockerfile.Dockerfile;
import dev.deja.packer.dockerfile.ImageUse;
import dev.deja.packer.dockerfile.Instruction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The images of a project and the dependencies between them, read from their Dockerfiles ({@code FROM},
 * {@code COPY --from}, {@code ARG} used in {@code FROM}) and from {@code depends_on}. Acyclic by construction.
 */
public final class ImageGraph {

    private final Project project;
    private final Map<String, Dockerfile> dockerfiles;
    private final Map<String, List<Dependency>> parents;
    private final Map<String, Set<String>> children;
    private final List<List<String>> levels;
    private final Map<String, String> referenceNames;
    private final List<Notice> notices;
    private final Map<String, List<String>> outputsRead;
    private final Map<String, List<BaseUse>> bases;

    private ImageGraph(
            Project project,
            Map<String, Dockerfile> dockerfiles,
            Map<String, List<Dependency>> parents,
            Map<String, List<String>> outputsRead,
            Map<String, List<BaseUse>> bases,
            List<Notice> notices) {
        this.project = project;
        this.bases = Map.copyOf(bases);
        this.notices = List.copyOf(notices);
        this.outputsRead = Map.copyOf(outputsRead);
        this.referenceNames = referenceNames(project);
        this.dockerfiles = dockerfiles;
        this.parents = parents;
        this.children = new LinkedHashMap<>();
        for (String name : parents.keySet()) {
            children.put(name, new TreeSet<>());
        }
        parents.values()
                .forEach(list -> list.forEach(d -> children.get(d.parent()).add(d.child())));
        checkAcyclic();
        this.levels = computeLevels();
    }

    public static ImageGraph of(Project project) {
        Map<String, Dockerfile> dockerfiles = new LinkedHashMap<>();
        Map<String, List<Dependency>> parents = new LinkedHashMap<>();
        Map<String, List<String>> outputsRead = new HashMap<>();
        Map<String, List<BaseUse>> bases = new HashMap<>();
        List<Notice> notices = new ArrayList<>();
        Map<String, String> names = referenceNames(project);
        for (ImageDefinition image : project.images()) {
            Path dockerfilePath = RepoPath.resolve(project.root(), image.dockerfile());
            Dockerfile dockerfile = image.inlineDockerfile().isEmpty()
                    ? Dockerfile.read(dockerfilePath)
                    : Dockerfile.parse(dockerfilePath, image.inlineDockerfile());
            dockerfiles.put(image.name(), dockerfile);
            List<Dependency> deps = new ArrayList<>();
            Set<String> seen = new LinkedHashSet<>();
            Map<Instruction, Optional<String>> resolvedAt = new HashMap<>();
            Map<Instruction, Set<String>> externalAt = new LinkedHashMap<>();
            Map<Instruction, ImageUse> externalUse = new HashMap<>();
            for (Arguments arguments : image.arguments()) {
                for (ImageUse use : dockerfile.imageUses(arguments)) {
                    if (namedContext(image, use.reference()).isPresent()) {
                        continue; // the builder reads the named context; its dependency comes from there
                    }
                    Optional<String> parent = projectImage(names, use.reference())
                            // An image never uses itself: FROM python in the image named python means the public one.
                            .filter(p -> !p.equals(image.name()));
                    Optional<String> before = resolvedAt.putIfAbsent(use.instruction(), parent);
                    if (before != null && !before.equals(parent)) {
                        throw new ConfigException(
                                dockerfile.file(),
                                use.line(),
                                "image '" + image.name() + "': " + use.written()
                                        + " names a different image for each of its platforms ("
                                        + String.join(", ", image.platforms())
                                        + "); deja pins one parent per instruction: build them as separate images");
                    }
                    if (parent.isPresent() && seen.add(parent.get())) {
                        deps.add(new Dependency(
                                image.name(), parent.get(), use.kind().label(), dockerfile.file(), use.line()));
                    }
                    if (parent.isEmpty() && !use.reference().contains("@")) {
                        externalAt
                                .computeIfAbsent(use.instruction(), i -> new LinkedHashSet<>())
                                .add(use.reference());
                        externalUse.putIfAbsent(use.instruction(), use);
                    }
                }
            }
            List<BaseUse> imageBases = new ArrayList<>();
            externalAt.forEach((instruction, references) -> {
                ImageUse use = externalUse.get(instruction);
                if (references.size() > 1) {
                    notices.add(new Notice(
                            dockerfile.file(),
                            use.line(),
                            "image '" + image.name() + "': " + use.written() + " is a different base per platform ("
                                    + String.join(", ", references) + "): their digests are in the state, but the"
                                    + " packed Dockerfile keeps the tag (one text cannot pin them all)"));
                }
                for (String reference : references) {
                    imageBases.add(new BaseUse(
                            image.name(),
                            reference,
                            use.kind().label(),
                            dockerfile.file(),
                            use.line(),
                            references.size() == 1));
                }
            });
            image.contexts().forEach((contextName, context) -> {
                if (context.kind() == NamedContext.Kind.EXTERNAL
                        && !context.value().contains("@")) {
                    imageBases.add(new BaseUse(
                            image.name(),
                            context.value(),
                            "context " + contextName,
                            image.declaredIn(),
                            image.line(),
                            true));
                }
            });
            bases.put(image.name(), List.copyOf(imageBases));
            for (CopySource source : dockerfile.copySources(image.arguments().get(0))) {
                if (source.remote() && !source.checksum()) {
                    notices.add(new Notice(
                            dockerfile.file(),
                            source.line(),
                            "image '" + image.name() + "': ADD " + source.path()
                                    + " is fetched by the builder; its content is not part of the state"
                                    + " (a change upstream does not rebuild; pin it with ADD --checksum=sha256:…)"));
                }
            }
            List<String> outputs = new ArrayList<>();
            for (ImageDefinition producer : project.images()) {
                if (producer != image && producer.exportsFiles() && readsOutputOf(project.root(), image, producer)) {
                    outputs.add(producer.output());
                    if (seen.add(producer.name())) {
                        deps.add(new Dependency(
                                image.name(),
                                producer.name(),
                                Dependency.OUTPUT + producer.output(),
                                image.declaredIn(),
                                image.line()));
                    }
                }
            }
            outputsRead.put(image.name(), List.copyOf(outputs));
            for (Map.Entry<String, NamedContext> context : image.contexts().entrySet()) {
                if (context.getValue().kind() != NamedContext.Kind.IMAGE) {
                    continue;
                }
                String parent = names.get(context.getValue().value());
                if (parent == null || parent.equals(image.name())) {
                    throw new ConfigException(
                            image.declaredIn(),
                            image.line(),
                            "image '" + image.name() + "': context '" + context.getKey() + "' names '"
                                    + context.getValue().value() + "', which is not "
                                    + (parent == null
                                            ? "an image of this project (images: "
                                                    + String.join(
                                                            ", ",
                                                            project.byName().keySet()) + ")"
                                            : "another image"));
                }
                if (seen.add(parent)) {
                    deps.add(new Dependency(
                            image.name(), parent, "context " + context.getKey(), image.declaredIn(), image.line()));
                }
            }
            for (String dependsOn : image.dependsOn()) {
                if (!names.containsKey(dependsOn)) {
                    throw new ConfigException(
                            image.declaredIn(),
                            image.line(),
                            "image '" + image.name()
                                    + "': depends_on '" + dependsOn + "' is not an image of this project (images: "
                                    + String.join(", ", project.byName().keySet()) + ")");
                }
                String parent = names.get(dependsOn);
                if (parent.equals(image.name())) {
                    throw new ConfigException(
                            image.declaredIn(), image.line(), "image '" + image.name() + "' depends on itself");
                }
                if (seen.add(parent)) {
                    deps.add(new Dependency(image.name(), parent, "depends_on", image.declaredIn(), image.line()));
                }
            }
            parents.put(image.name(), List.copyOf(deps));
        }
        return new ImageGraph(project, dockerfiles, parents, outputsRead, bases, notices);
    }

    /** Every way a Dockerfile can name an image of the project: its name, its aliases, its full repository. */
    private static Map<String, String> referenceNames(Project project) {
        Map<String, String> names = new HashMap<>();
        for (ImageDefinition image : project.images()) {
            names.put(image.name(), image.name());
            names.put(project.repository(image.name()), image.name());
            image.aliases().forEach(alias -> names.put(alias, image.name()));
        }
        return names;
    }

    /**
     * The image a reference means, if it is one of the project's (its tag ignored). A reference pinned by digest
     * names exactly that image, never one built here.
     */
    public Optional<String> resolve(String reference) {
        return projectImage(referenceNames, reference);
    }

    /**
     * The output folders of other images (builders) that {@code name} reads: their files are not in its context
     * until those builds have run, and their producers' states stand for them.
     */
    public List<String> outputsRead(String name) {
        return outputsRead.get(name);
    }

    /**
     * Whether {@code image} reads {@code producer}'s output folder: its context or an include lies in it, or its
     * context holds it (and its ignore rules do not leave it all out).
     */
    private static boolean readsOutputOf(Path root, ImageDefinition image, ImageDefinition producer) {
        String output = producer.output();
        return RepoPath.isWithin(image.context(), output)
                || image.include().stream().anyMatch(include -> RepoPath.isWithin(include, output))
                || ContextCollector.holdsAnyOf(
                        new ContextSpec(root, image.context(), image.dockerfile(), List.of(), image.exclude()), output);
    }

    /**
     * The named context a Dockerfile reference reads instead of an image, if the image defines one of that name
     * (as BuildKit matches them: the name as written, with or without its tag).
     */
    public static Optional<NamedContext> namedContext(ImageDefinition image, String reference) {
        NamedContext exact = image.contexts().get(reference);
        return Optional.ofNullable(exact != null ? exact : image.contexts().get(ImageNames.repositoryOf(reference)));
    }

    private static Optional<String> projectImage(Map<String, String> names, String reference) {
        return reference.contains("@")
                ? Optional.empty()
                : Optional.ofNullable(names.get(ImageNames.repositoryOf(reference)));
    }

    /** The images from outside the repository that {@code name} uses (not those of its parents). */
    public List<BaseUse> bases(String name) {
        return bases.get(name);
    }

    /** What the Dockerfiles do that deja cannot account for (the project's own notices come first). */
    public List<Notice> notices() {
        List<Notice> all = new ArrayList<>(project.notices());
        all.addAll(notices);
        return all;
    }

    public Project project() {
        return project;
    }

    public Dockerfile dockerfile(String name) {
        return dockerfiles.get(name);
    }

    public List<Dependency> parents(String name) {
        return parents.get(name);
    }

    public Set<String> children(String name) {
        return Collections.unmodifiableSet(children.get(name));
    }

    public List<String> names() {
        return List.copyOf(parents.keySet());
    }

    /** Level 0 has no parents; every other image sits one level below its deepest parent. */
    public List<List<String>> levels() {
        return levels;
    }

    /** Parents before children; within a level, by name. */
    public List<String> topologicalOrder() {
        List<String> order = new ArrayList<>();
        levels.forEach(order::addAll);
        return order;
    }

    public int level(String name) {
        for (int i = 0; i < levels.size(); i++) {
            if (levels.get(i).contains(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(name);
    }

    /** {@code name} and every image it depends on, directly or not. */
    public Set<String> ancestorsAndSelf(String name) {
        Set<String> out = new LinkedHashSet<>();
        collect(name, out, true);
        return out;
    }

    /** {@code name} and every image that depends on it, directly or not. */
    public Set<String> descendantsAndSelf(String name) {
        Set<String> out = new LinkedHashSet<>();
        collect(name, out, false);
        return out;
    }

    private void collect(String name, Set<String> out, boolean up) {
        if (!out.add(name)) {
            return;
        }
        if (up) {
            parents.get(name).forEach(d -> collect(d.parent(), out, true));
        } else {
            children.get(name).forEach(c -> collect(c, out, false));
        }
    }

    private void checkAcyclic() {
        Map<String, Integer> color = new HashMap<>();
        for (String name : parents.keySet()) {
            List<Dependency> path = new ArrayList<>();
            visit(name, color, path);
        }
    }

    private void visit(String name, Map<String, Integer> color, List<Dependency> path) {
        Integer c = color.get(name);
        if (c != null && c == 2) {
            return;
        }
        if (c != null && c == 1) {
            int start = 0;
            while (!path.get(start).child().equals(name)) {
                start++;
            }
            List<Dependency> cycle = path.subList(start, path.size());
            StringBuilder text = new StringBuilder(name);
            StringBuilder where = new StringBuilder();
            for (Dependency d : cycle) {
                text.append(" -> ").append(d.parent());
                if (where.length() > 0) {
                    where.append("; ");
                }
                where.append(d.child())
                        .append(" uses ")
                        .append(d.parent())
                        .append(" by ")
                        .append(d.how())
                        .append(" at ")
                        .append(relative(d.file()))
                        .append(d.line() > 0 ? ":" + d.line() : "");
            }
            Dependency first = cycle.get(0);
            throw new ConfigException(first.file(), first.line(), "dependency cycle: " + text + " (" + where + ")");
        }
        color.put(name, 1);
        for (Dependency d : parents.get(name)) {
            path.add(d);
            visit(d.parent(), color, path);
            path.remove(path.size() - 1);
        }
        color.put(name, 2);
    }

    private String relative(Path file) {
        return file.startsWith(project.root()) ? project.root().relativize(file).toString() : file.toString();
    }

    private List<List<String>> computeLevels() {
        Map<String, Integer> depth = new HashMap<>();
        int max = -1;
        for (String name : parents.keySet()) {
            max = Math.max(max, depth(name, depth));
        }
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i <= max; i++) {
            final int level = i;
            out.add(parents.keySet().stream()
                    .filter(n -> depth.get(n) == level)
                    .sorted()
                    .toList());
        }
        return List.copyOf(out);
    }

    private int depth(String name, Map<String, Integer> depth) {
        Integer known = depth.get(name);
        if (known != null) {
            return known;
        }
        int d = 0;
        for (Dependency p : parents.get(name)) {
            d = Math.max(d, depth(p.parent(), depth) + 1);
        }
        depth.put(name, d);
        return d;
    }
}
