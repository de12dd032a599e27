package dev.deja.engine.build;

import dev.deja.engine.config.BasePolicy;
import dev.deja.engine.git.Uncommitted;
import dev.deja.engine.graph.Dependency;
import dev.deja.engine.graph.ImageGraph;
import dev.deja.engine.pack.ImagePacker;
import dev.deja.engine.project.ImageDefinition;
import dev.deja.engine.project.NamedContext;
import dev.deja.engine.project.Project;
import dev.deja.packer.context.ContextCollector;
import dev.deja.packer.context.RepoPath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The images whose inputs are not the commit's: a path of their context (as its ignore rules keep it), of an include
 * or a named folder context, their Dockerfile, the file that declares them or deja.yaml (deja.lock under
 * {@code bases: lock}) differs from the commit, or a parent of theirs is such an image. Their commit and branch tags
 * would name content no commit has. What the project's builders export ({@code output:}) is made by the run, not
 * written by hand: never counted.
 */
public final class UncommittedImages {

    private UncommittedImages() {}

    /** Why each such image of {@code graph} is not the commit's, in words for a user, by name (graph order). */
    public static Map<String, String> find(ImageGraph graph, Uncommitted changes) {
        Map<String, String> why = new LinkedHashMap<>();
        if (changes.isEmpty()) {
            return why;
        }
        Project project = graph.project();
        List<String> outputs = project.images().stream()
                .map(ImageDefinition::output)
                .filter(output -> !output.isEmpty())
                .map(RepoPath::normalizeOrNull)
                .filter(output -> output != null)
                .toList();
        Uncommitted written = new Uncommitted(changes.paths().stream()
                .filter(path -> outputs.stream().noneMatch(output -> RepoPath.isWithin(path, output)))
                .toList());
        List<String> everyImage = new ArrayList<>();
        if (project.config().file() != null) {
            everyImage.add(repoPath(project, project.config().file()));
        }
        if (project.config().bases() == BasePolicy.LOCK) {
            everyImage.add(Project.LOCK_FILE);
        }
        for (String name : graph.topologicalOrder()) {
            ImageDefinition image = project.byName().get(name);
            String reason = changedInput(graph, image, written, everyImage);
            if (reason == null) {
                reason = graph.parents(name).stream()
                        .map(Dependency::parent)
                        .filter(why::containsKey)
                        .findFirst()
                        .map(parent -> "its parent " + parent + " is not the commit's")
                        .orElse(null);
            }
            if (reason != null) {
                why.put(name, reason);
            }
        }
        return why;
    }

    private static String changedInput(
            ImageGraph graph, ImageDefinition image, Uncommitted changes, List<String> everyImage) {
        Predicate<String> held = ContextCollector.holdsAnyOf(ImagePacker.spec(graph, image));
        List<String> whole = new ArrayList<>(everyImage);
        whole.add(repoPath(graph.project(), image.declaredIn()));
        if (!image.dockerfile().isEmpty()) {
            whole.add(image.dockerfile());
        }
        whole.addAll(image.include());
        image.contexts().values().stream()
                .filter(context -> context.kind() == NamedContext.Kind.FOLDER)
                .map(NamedContext::value)
                .forEach(whole::add);
        for (String changed : changes.paths()) {
            boolean folder = changed.endsWith("/");
            String path = folder ? changed.substring(0, changed.length() - 1) : changed;
            boolean read =
                    whole.stream().filter(input -> !input.isEmpty()).anyMatch(input -> overlaps(path, folder, input))
                            || (folder && RepoPath.isWithin(image.context(), path))
                            || held.test(path);
            if (read) {
                return "'" + changed + "' is not committed";
            }
        }
        return null;
    }

    /** Whether a changed path (a whole folder when {@code folder}) is {@code input} or holds part of it. */
    private static boolean overlaps(String path, boolean folder, String input) {
        return RepoPath.isWithin(path, input) || (folder && RepoPath.isWithin(input, path));
    }

    /** {@code file} from the project root; "" when it lies outside. */
    private static String repoPath(Project project, Path file) {
        Path root = project.root().toAbsolutePath().normalize();
        Path absolute = file.toAbsolutePath().normalize();
        return absolute.startsWith(root) ? root.relativize(absolute).toString().replace('\\', '/') : "";
    }
}
