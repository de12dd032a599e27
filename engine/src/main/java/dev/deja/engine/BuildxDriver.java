package dev.deja.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deja.packer.ContextTar;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs {@code docker buildx build -f <Dockerfile in the tar> -} with the packed context on stdin: the exact bytes
 * that were hashed into the state. Tags, cache sources and build inputs are passed through; the pushed digest is
 * read from {@code --metadata-file}.
 */
public final class BuildxDriver {

    /**
     * One build.
     *
     * @param refs      every {@code <repository>:<tag>} the image gets
     * @param cacheFrom refs to take cache from
     * @param push      push (registry mode) or load into the daemon (local mode)
     * @param output    for builder images: the folder to export the files to; otherwise {@code null}
     */
    public record Request(PackedImage packed, ImageDefinition image, List<String> refs, List<String> cacheFrom,
                          boolean push, Path output) {
        public Request {
            refs = List.copyOf(refs);
            cacheFrom = List.copyOf(cacheFrom);
        }
    }

    /** @param digest the pushed manifest digest ("" for exports and loads without one) */
    public record Result(String digest, Duration duration) {
    }

    private final Map<String, String> environment;

    public BuildxDriver(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    public List<String> command(Request request, Path metadata) {
        List<String> command = new ArrayList<>(List.of("docker", "buildx", "build", "--progress", "plain",
                "-f", request.packed().context().dockerfile(), "--metadata-file", metadata.toString()));
        if (!request.image().target().isEmpty()) {
            command.addAll(List.of("--target", request.image().target()));
        }
        request.packed().inputs().args().forEach((k, v) -> command.addAll(List.of("--build-arg", k + "=" + v)));
        if (!request.packed().inputs().platforms().isEmpty()) {
            command.addAll(List.of("--platform", String.join(",", request.packed().inputs().platforms())));
        }
        for (String ref : request.cacheFrom()) {
            command.addAll(List.of("--cache-from", "type=registry,ref=" + ref));
        }
        if (request.output() != null) {
            command.addAll(List.of("--output", "type=local,dest=" + request.output()));
        } else {
            for (String ref : request.refs()) {
                command.addAll(List.of("--tag", ref));
            }
            // Inline cache metadata: the pushed image is the next build's cache source.
            command.addAll(List.of("--cache-to", "type=inline"));
            command.add(request.push() ? "--push" : "--load");
        }
        command.add("-");
        return command;
    }

    /**
     * Builds, streaming the context tar to the builder and every output line to {@code log}.
     *
     * @throws BuildFailedException when the builder exits non-zero
     */
    public Result build(Request request, Consumer<String> log) {
        long start = System.nanoTime();
        String name = request.image().name();
        Path metadata;
        try {
            metadata = Files.createTempFile("deja-build-" + name.replace('/', '-'), ".json");
        } catch (IOException e) {
            throw new BuildFailedException(name, "cannot create a temporary file: " + e.getMessage());
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(command(request, metadata)).redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(environment);
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new BuildFailedException(name, "cannot run docker: " + e.getMessage()
                        + " (is the docker CLI installed and on PATH?)");
            }
            AtomicReference<Exception> feedFailure = new AtomicReference<>();
            Thread feeder = new Thread(() -> {
                try (OutputStream stdin = process.getOutputStream()) {
                    ContextTar.write(request.packed().context(), stdin);
                } catch (IOException | RuntimeException e) {
                    feedFailure.set(e);
                }
            }, "deja-context-" + name);
            feeder.start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    log.accept(line);
                }
            }
            int code = process.waitFor();
            feeder.join();
            if (code != 0) {
                throw new BuildFailedException(name, "docker buildx build exited with " + code
                        + (feedFailure.get() != null ? " (sending the context failed: "
                        + feedFailure.get().getMessage() + ")" : ""));
            }
            if (feedFailure.get() != null) {
                throw new BuildFailedException(name, "sending the context failed: " + feedFailure.get().getMessage());
            }
            return new Result(digest(metadata), Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw new BuildFailedException(name, "reading the builder's output failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildFailedException(name, "interrupted");
        } finally {
            try {
                Files.deleteIfExists(metadata);
            } catch (IOException ignored) {
                // a temporary file
            }
        }
    }

    private static String digest(Path metadata) throws IOException {
        if (!Files.isRegularFile(metadata) || Files.size(metadata) == 0) {
            return "";
        }
        JsonNode node = new ObjectMapper().readTree(metadata.toFile());
        return node.path("containerimage.digest").asText("");
    }
}
