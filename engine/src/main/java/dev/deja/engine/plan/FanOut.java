package dev.deja.engine.plan;

import dev.deja.engine.graph.Dependency;
import dev.deja.engine.graph.ImageGraph;
import dev.deja.engine.project.ImageDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A plan spread over CI jobs: one job per image that must be built (or exported), needing exactly the jobs of its
 * parents that are built too; the reused images, retagged together; the moving tags left to a final job.
 *
 * @param builds the build jobs, parents first
 * @param reused the images whose state exists: one retag job
 */
public record FanOut(List<Job> builds, List<String> reused) {

    /**
     * @param needs  the images among {@code builds} this one waits for: the graph's edges between built images
     * @param level  the image's level in the graph (for CI systems that run levels one after another)
     * @param output a builder image's export folder, "" for pushed images
     */
    public record Job(String image, List<String> needs, int level, String output) {
        public Job {
            needs = List.copyOf(needs);
        }
    }

    public FanOut {
        builds = List.copyOf(builds);
        reused = List.copyOf(reused);
    }

    public static FanOut of(Plan plan, ImageGraph graph) {
        Set<String> built = plan.images().stream()
                .filter(i -> i.decision() != Decision.REUSE)
                .map(PlannedImage::name)
                .collect(Collectors.toSet());
        List<Job> jobs = new ArrayList<>();
        List<String> reused = new ArrayList<>();
        for (PlannedImage image : plan.images()) {
            if (!built.contains(image.name())) {
                reused.add(image.name());
                continue;
            }
            List<String> needs = graph.parents(image.name()).stream()
                    .map(Dependency::parent)
                    .filter(built::contains)
                    .distinct()
                    .sorted()
                    .toList();
            ImageDefinition definition = graph.project().byName().get(image.name());
            jobs.add(new Job(image.name(), needs, image.level(), definition.exportsFiles() ? definition.output() : ""));
        }
        return new FanOut(jobs, reused);
    }

    /** The build jobs level by level, levels without a build left out: what each matrix of a GitHub run gets. */
    public List<List<String>> levels() {
        TreeMap<Integer, List<String>> byLevel = new TreeMap<>();
        for (Job job : builds) {
            byLevel.computeIfAbsent(job.level(), l -> new ArrayList<>()).add(job.image());
        }
        return List.copyOf(byLevel.values());
    }
}
