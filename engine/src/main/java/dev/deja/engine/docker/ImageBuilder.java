package dev.deja.engine.docker;

import dev.deja.engine.pack.PackedImage;
import dev.deja.engine.project.ImageDefinition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** What builds one image: {@link BuildDriver} on a real docker, a fake in the scheduler's tests. */
public interface ImageBuilder {

    /**
     * One build.
     *
     * @param repository where the image lives (for {@code cache: registry}'s {@code <repository>:buildcache})
     * @param refs       every {@code <repository>:<tag>} the image gets
     * @param cacheFrom  refs to take cache from, asked for once the context is written out (the registry is asked
     *                   meanwhile)
     * @param push       push (registry mode) or load into the daemon (local mode)
     * @param output     for builder images: the folder to export the files to; otherwise {@code null}
     * @param provenance deja's own labels: what the state was made of and the commit it was built at (not part of
     *                   the state: they describe it); asked for, as {@code cacheFrom}, once the context is written out
     */
    record Request(
            PackedImage packed,
            ImageDefinition image,
            String repository,
            List<String> refs,
            Supplier<List<String>> cacheFrom,
            boolean push,
            Path output,
            Supplier<java.util.Map<String, String>> provenance) {
        public Request {
            refs = List.copyOf(refs);
        }
    }

    /** @param digest the pushed manifest digest ("" for exports and loads without one) */
    record Result(String digest, Duration duration) {}

    /**
     * Builds, streaming every output line to {@code log}.
     *
     * @throws BuildFailedException when the build fails or the run was cancelled
     */
    Result build(Request request, Consumer<String> log);

    /** Starts finding out what builds while the caller prepares the first build; called once a build is certain. */
    default void prepare() {}

    /** Starts making ready what the build of {@code packed} will send, once that build is certain. */
    default void writeAhead(PackedImage packed) {}

    /**
     * The images the run will build, each with the walk its context was placed in ({@code ContextCollector.walkKey}):
     * what one build writes out of a walk, the next ones of it may use.
     */
    default void willBuild(java.util.Map<String, String> walks) {}
}
