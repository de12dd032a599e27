package dev.deja.engine.source;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deja.engine.config.ConfigException;
import dev.deja.engine.exec.Cancellation;
import dev.deja.engine.exec.ProcessRunner;
import dev.deja.registry.json.JsonTrees;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A bake file resolved by bake itself ({@code docker buildx bake --print}): variables, functions,
 * {@code inherits}, {@code matrix} and groups are bake's to evaluate, deja reads the targets it prints.
 */
public final class BakeReader {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final Map<String, String> environment;

    /** @param environment bake's environment: its variables come from there */
    public BakeReader(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /**
     * The targets of the default group, as bake prints them.
     *
     * @param files the bake files, the first one's folder being where bake runs (its paths are relative to it)
     */
    public JsonNode print(List<Path> files) {
        Path dir = files.get(0).getParent();
        List<String> command = new ArrayList<>(List.of("docker", "buildx", "bake", "--print"));
        files.forEach(file -> command.addAll(List.of("-f", file.toString())));
        ProcessRunner runner = new ProcessRunner(environment, Cancellation.never());
        ProcessRunner.Result result;
        try {
            result = runner.capture(dir, command, false, TIMEOUT);
        } catch (ProcessRunner.ProcessException e) {
            throw new ConfigException(
                    files.get(0),
                    "cannot run docker buildx bake: " + e.getMessage()
                            + " (bake files are read by docker buildx bake --print: install docker and the buildx plugin)");
        }
        if (!result.succeeded()) {
            String said = runner.capture(dir, command, true, TIMEOUT).output().strip();
            if (said.contains("is not a docker command") || said.contains("unknown command")) {
                throw new ConfigException(
                        files.get(0),
                        "docker buildx is not installed: deja reads bake files through docker buildx bake --print"
                                + " (install the buildx plugin, or list the images in deja.yaml)");
            }
            throw new ConfigException(
                    files.get(0),
                    "docker buildx bake --print failed: "
                            + said.lines().reduce((a, b) -> b).orElse(""));
        }
        try {
            return JsonTrees.read(result.output());
        } catch (IOException e) {
            throw new ConfigException(files.get(0), "docker buildx bake --print printed no JSON: " + e.getMessage());
        }
    }
}
