package dev.deja.cli;

import dev.deja.engine.DigestCaches;
import dev.deja.engine.ImageGraph;
import dev.deja.engine.Planner;
import dev.deja.engine.ProjectLoader;
import dev.deja.packer.ContentHasher;
import dev.deja.packer.DigestCache;
import picocli.CommandLine;

/** What every project command starts from: the global options turned into a loaded project and its graph. */
final class ProjectContext {

    private ProjectContext() {
    }

    static ImageGraph graph(CommandLine.Model.CommandSpec spec) {
        return load(spec);
    }

    private static ImageGraph load(CommandLine.Model.CommandSpec spec) {
        DejaCommand root = (DejaCommand) spec.root().userObject();
        return ImageGraph.of(new ProjectLoader().load(root.directory, root.config));
    }

    static Planner planner(CommandLine.Model.CommandSpec spec) {
        ImageGraph graph = load(spec);
        DejaCommand root = (DejaCommand) spec.root().userObject();
        DigestCache cache = DigestCaches.forProject(graph.project().root(), root.environment);
        return new Planner(graph, ContentHasher.forThisMachine(cache));
    }
}
