package dev.deja.engine.docker;

import dev.deja.engine.config.CacheMode;
import dev.deja.engine.config.ImageEntry;
import dev.deja.engine.config.RunSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The command lines of one build: {@code docker buildx build …} or the classic {@code docker build …}. */
final class BuildCommandLine {

    private BuildCommandLine() {}

    /**
     * @param registryCache the builder writes cache to {@code <repository>:buildcache} (cache: registry and a
     *                      builder that can)
     */
    /**
     * How the context reaches the builder: a tar on standard input with the Dockerfile in it, or (a Dockerfile
     * outside its context, which BuildKit keeps apart from it) a folder and a Dockerfile written out.
     *
     * @param dockerfile what {@code -f} gets
     * @param context    the context argument: {@code -} for standard input, or a folder
     */
    record Sending(String dockerfile, String context) {
        boolean onStdin() {
            return context.equals("-");
        }
    }

    /**
     * @param buildx  the words that start a buildx command ({@link BuilderProbe.Builder#buildx})
     * @param folders the folder each named context that is a folder was written to
     */
    static List<String> buildx(
            List<String> buildx,
            ImageBuilder.Request request,
            BuildDriver.Options options,
            boolean registryCache,
            Path metadata,
            Map<String, Path> folders,
            Sending sending) {
        List<String> command = new ArrayList<>(buildx);
        command.add("build");
        if (!options.builder().isEmpty()) {
            command.addAll(List.of("--builder", options.builder()));
        }
        request.image().run().entitlements().forEach(entitlement -> command.addAll(List.of("--allow", entitlement)));
        command.addAll(
                List.of("--progress", "plain", "-f", sending.dockerfile(), "--metadata-file", metadata.toString()));
        addInputs(request, command);
        request.packed()
                .imageContexts()
                .forEach((name, ref) -> command.addAll(List.of("--build-context", name + "=" + ref)));
        folders.forEach((name, folder) -> command.addAll(List.of("--build-context", name + "=" + folder)));
        if (registryCache && request.output() == null) {
            command.addAll(List.of("--cache-from", "type=registry,ref=" + buildCacheRef(request)));
        }
        for (String ref : request.cacheFrom().get()) {
            command.addAll(List.of("--cache-from", "type=registry,ref=" + ref));
        }
        if (request.output() != null) {
            command.addAll(List.of("--output", "type=local,dest=" + request.output()));
        } else {
            for (String ref : request.refs()) {
                command.addAll(List.of("--tag", ref));
            }
            if (registryCache) {
                command.addAll(List.of("--cache-to", "type=registry,ref=" + buildCacheRef(request) + ",mode=max"));
            } else if (options.cache() != CacheMode.NONE) {
                // Inline cache metadata: the pushed image is the next build's cache source.
                command.addAll(List.of("--cache-to", "type=inline"));
            }
            command.add(request.push() ? "--push" : "--load");
        }
        command.add(sending.context());
        return command;
    }

    /** The classic builder: one platform, inline cache by build arg; pushing is a separate {@code docker push}. */
    static List<String> classic(ImageBuilder.Request request, BuildDriver.Options options, Sending sending) {
        List<String> platforms = request.packed().inputs().platforms();
        if (!request.packed().inputs().contexts().isEmpty()) {
            throw new BuildFailedException(
                    request.image().name(),
                    "the classic docker build has no named contexts (this image uses "
                            + String.join(
                                    ", ", request.packed().inputs().contexts().keySet())
                            + "): install the docker buildx plugin");
        }
        if (platforms.size() > 1) {
            throw new BuildFailedException(
                    request.image().name(),
                    "the classic docker build builds one platform," + " this image asks for "
                            + String.join(", ", platforms) + ": install the docker buildx plugin");
        }
        List<String> entitlements = request.image().run().entitlements();
        if (!entitlements.isEmpty()) {
            throw new BuildFailedException(
                    request.image().name(),
                    "the classic docker build cannot grant entitlements (this image is allowed "
                            + String.join(", ", entitlements) + "): install the docker buildx plugin");
        }
        List<String> command =
                new ArrayList<>(List.of("docker", "build", "--progress", "plain", "-f", sending.dockerfile()));
        addInputs(request, command);
        for (String ref : request.cacheFrom().get()) {
            command.addAll(List.of("--cache-from", ref));
        }
        if (request.output() != null) {
            command.addAll(List.of("--output", "type=local,dest=" + request.output()));
        } else {
            for (String ref : request.refs()) {
                command.addAll(List.of("--tag", ref));
            }
            if (options.cache() != CacheMode.NONE) {
                command.addAll(List.of("--build-arg", "BUILDKIT_INLINE_CACHE=1"));
            }
        }
        command.add(sending.context());
        return command;
    }

    private static void addInputs(ImageBuilder.Request request, List<String> command) {
        if (!request.image().target().isEmpty()) {
            command.addAll(List.of("--target", request.image().target()));
        }
        request.packed().inputs().args().forEach((k, v) -> command.addAll(List.of("--build-arg", k + "=" + v)));
        request.packed().inputs().labels().forEach((k, v) -> command.addAll(List.of("--label", k + "=" + v)));
        new java.util.TreeMap<>(request.provenance().get())
                .forEach((k, v) -> command.addAll(List.of("--label", k + "=" + v)));
        if (!request.packed().inputs().platforms().isEmpty()) {
            command.addAll(List.of(
                    "--platform", String.join(",", request.packed().inputs().platforms())));
        }
        request.image().secrets().forEach((id, source) -> command.addAll(List.of("--secret", secret(id, source))));
        request.image().ssh().forEach(ssh -> command.addAll(List.of("--ssh", ssh)));
        RunSettings run = request.image().run();
        if (!run.network().isEmpty()) {
            command.addAll(List.of("--network", run.network()));
        }
        run.extraHosts().forEach(host -> command.addAll(List.of("--add-host", host)));
        if (!run.shmSize().isEmpty()) {
            command.addAll(List.of("--shm-size", run.shmSize()));
        }
        run.ulimits().forEach(limit -> command.addAll(List.of("--ulimit", limit)));
    }

    /** What {@code --secret} gets for the secret {@code id} read from {@code source} (a file, or env:NAME). */
    static String secret(String id, String source) {
        return source.startsWith(ImageEntry.SECRET_FROM_ENVIRONMENT)
                ? "id=" + id + ",env=" + source.substring(ImageEntry.SECRET_FROM_ENVIRONMENT.length())
                : "id=" + id + ",src=" + source;
    }

    private static String buildCacheRef(ImageBuilder.Request request) {
        return request.repository() + ":buildcache";
    }
}
