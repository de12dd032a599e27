package dev.deja.ci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a composite action's steps the way the GitHub runner does, for what deja's action uses: inputs with
 * defaults, {@code ${{ inputs.* }}}, {@code ${{ steps.<id>.outputs.* }}}, {@code ${{ runner.temp }}},
 * {@code ${{ github.action_path }}}; {@code shell: bash} as {@code bash --noprofile --norc -eo pipefail};
 * {@code $GITHUB_OUTPUT} (both forms), {@code $GITHUB_PATH}, {@code $GITHUB_STEP_SUMMARY}. Anything else it does
 * not know (an {@code if:}, another expression, a step without {@code shell:}) is an error, never silently skipped.
 */
final class CompositeActionRunner {

    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{\\s*(.+?)\\s*\\}\\}");

    /**
     * @param failedStep the name of the step that failed, "" when every step passed
     * @param outputs    the action's outputs (only when every step passed)
     */
    record Result(String failedStep, Map<String, String> outputs, String log, Path summary) {
        boolean passed() {
            return failedStep.isEmpty();
        }
    }

    private final Path action;
    private final Path work;
    private final Map<String, String> environment;
    private final Path caches;

    /**
     * @param work        a folder for the runner's files (temp, outputs, summary); also the workspace
     * @param environment the environment the steps start from
     * @param caches      what GitHub's cache service holds for the repository (a folder per key), shared by the
     *                    runs of one test as by the jobs of one repository
     */
    CompositeActionRunner(Path action, Path work, Map<String, String> environment, Path caches) {
        this.action = action;
        this.work = work;
        this.environment = Map.copyOf(environment);
        this.caches = caches;
    }

    CompositeActionRunner(Path action, Path work, Map<String, String> environment) {
        this(action, work, environment, work.resolve("caches"));
    }

    Result run(Map<String, String> given) throws Exception {
        JsonNode definition = new YAMLMapper().readTree(action.toFile());
        if (!definition.path("runs").path("using").asText().equals("composite")) {
            throw new IllegalArgumentException(action + " is not a composite action");
        }
        Map<String, String> inputs = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it =
                        definition.path("inputs").fields();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> input = it.next();
            inputs.put(
                    input.getKey(),
                    given.getOrDefault(
                            input.getKey(), input.getValue().path("default").asText("")));
        }
        for (String name : given.keySet()) {
            if (!inputs.containsKey(name)) {
                throw new IllegalArgumentException("Unexpected input '" + name + "'");
            }
        }
        Path temp = Files.createDirectories(work.resolve("runner-temp"));
        Path summary = work.resolve("step-summary.md");
        Path githubPath = work.resolve("github-path");
        Files.writeString(summary, "");
        Files.writeString(githubPath, "");
        Map<String, String> context = new HashMap<>();
        inputs.forEach((k, v) -> context.put("inputs." + k, v));
        context.put("runner.temp", temp.toString());
        context.put("github.action_path", action.getParent().toString());
        context.put("github.repository", "acme/monorepo");
        context.put("github.run_id", Long.toString(System.nanoTime()));
        context.put("github.run_attempt", "1");
        context.put("github.job", "build");
        StringBuilder log = new StringBuilder();
        String failed = "";
        int index = 0;
        for (JsonNode step : definition.path("runs").path("steps")) {
            index++;
            String name = step.path("name").asText("step " + index);
            String condition = step.path("if").asText("");
            if (!condition.isEmpty() && !condition.equals("always()")) {
                throw new UnsupportedOperationException(name + ": only if: always() is supported by this runner");
            }
            if (!failed.isEmpty() && condition.isEmpty()) {
                continue;
            }
            if (step.has("uses")) {
                log.append("## ").append(name).append('\n').append(cache(step, context));
                continue;
            }
            if (!step.path("shell").asText().equals("bash")) {
                throw new IllegalArgumentException(name + ": every run step needs shell: bash here");
            }
            Path output = work.resolve("output-" + index);
            Files.writeString(output, "");
            Map<String, String> env = new HashMap<>(environment);
            // $GITHUB_PATH lines go before PATH, the last added first.
            List<String> path = new ArrayList<>(Files.readAllLines(githubPath).stream()
                    .filter(l -> !l.isBlank())
                    .toList());
            Collections.reverse(path);
            if (!path.isEmpty()) {
                env.put("PATH", String.join(":", path) + ":" + env.get("PATH"));
            }
            env.put("GITHUB_OUTPUT", output.toString());
            env.put("GITHUB_PATH", githubPath.toString());
            env.put("GITHUB_STEP_SUMMARY", summary.toString());
            env.put("GITHUB_ACTIONS", "true");
            env.put("RUNNER_TEMP", temp.toString());
            for (Iterator<Map.Entry<String, JsonNode>> it = step.path("env").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> variable = it.next();
                env.put(variable.getKey(), substitute(variable.getValue().asText(), context));
            }
            Path script = work.resolve("step-" + index + ".sh");
            Files.writeString(script, substitute(step.path("run").asText(), context));
            ProcessBuilder builder = new ProcessBuilder(
                            "bash", "--noprofile", "--norc", "-eo", "pipefail", script.toString())
                    .directory(work.toFile())
                    .redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(env);
            Process process = builder.start();
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(15, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(name + " timed out");
            }
            log.append("## ").append(name).append('\n').append(out);
            if (process.exitValue() != 0) {
                failed = failed.isEmpty() ? name : failed;
                continue;
            }
            Map<String, String> outputs = readOutputs(output);
            if (step.has("id")) {
                outputs.forEach((k, v) -> context.put("steps." + step.path("id").asText() + ".outputs." + k, v));
            }
        }
        if (!failed.isEmpty()) {
            return new Result(failed, Map.of(), log.toString(), summary);
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it =
                        definition.path("outputs").fields();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> out = it.next();
            outputs.put(out.getKey(), substitute(out.getValue().path("value").asText(), context));
        }
        return new Result("", outputs, log.toString(), summary);
    }

    /**
     * {@code actions/cache/restore} and {@code actions/cache/save}, as GitHub's cache service behaves: a saved key is
     * never overwritten; a restore takes the exact key, else the newest key starting with a {@code restore-keys} line.
     */
    private String cache(JsonNode step, Map<String, String> context) throws IOException {
        String uses = step.path("uses").asText();
        JsonNode with = step.path("with");
        Path path = Path.of(substitute(with.path("path").asText(), context));
        String key = substitute(with.path("key").asText(), context);
        Files.createDirectories(caches);
        if (uses.startsWith("actions/cache/save@")) {
            Path saved = caches.resolve(stored(key));
            if (Files.exists(saved)) {
                return "Failed to save: Unable to reserve cache with key " + key + ", another job may be creating it\n";
            }
            if (!Files.isDirectory(path)) {
                return "Path does not exist: " + path + "\n";
            }
            dev.deja.packer.TestTree.copyOf(path, saved);
            Files.setLastModifiedTime(saved, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
            return "Cache saved with key: " + key + "\n";
        }
        if (!uses.startsWith("actions/cache/restore@")) {
            throw new UnsupportedOperationException(uses + ": only actions/cache/restore and /save are supported here");
        }
        Path found = Files.exists(caches.resolve(stored(key))) ? caches.resolve(stored(key)) : null;
        for (String prefix :
                substitute(with.path("restore-keys").asText(), context).split("\n")) {
            if (found != null || prefix.isBlank()) {
                continue;
            }
            try (java.util.stream.Stream<Path> keys = Files.list(caches)) {
                found = keys.filter(k -> k.getFileName().toString().startsWith(stored(prefix.strip())))
                        .max(java.util.Comparator.comparing(k -> k.toFile().lastModified()))
                        .orElse(null);
            }
        }
        if (found == null) {
            return "Cache not found for input keys: " + key + "\n";
        }
        dev.deja.packer.TestTree.copyOf(found, path);
        return "Cache restored from key: "
                + java.net.URLDecoder.decode(found.getFileName().toString(), StandardCharsets.UTF_8) + "\n";
    }

    /** A cache key as a file name (keys hold slashes: the repository). */
    private static String stored(String key) {
        return java.net.URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    /** {@code name=value} lines and {@code name<<DELIMITER} blocks, as the runner reads {@code $GITHUB_OUTPUT}. */
    static Map<String, String> readOutputs(Path file) throws IOException {
        Map<String, String> outputs = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int heredoc = line.indexOf("<<");
            int eq = line.indexOf('=');
            if (heredoc > 0 && (eq < 0 || heredoc < eq)) {
                String delimiter = line.substring(heredoc + 2);
                List<String> value = new ArrayList<>();
                while (!lines.get(++i).equals(delimiter)) {
                    value.add(lines.get(i));
                }
                outputs.put(line.substring(0, heredoc), String.join("\n", value));
            } else if (eq > 0) {
                outputs.put(line.substring(0, eq), line.substring(eq + 1));
            } else if (!line.isBlank()) {
                throw new IllegalArgumentException("bad $GITHUB_OUTPUT line: " + line);
            }
        }
        return outputs;
    }

    private static String substitute(String text, Map<String, String> context) {
        Matcher matcher = EXPRESSION.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String expression = matcher.group(1);
            boolean known =
                    context.containsKey(expression) || expression.matches("steps\\.[\\w-]+\\.outputs\\.[\\w-]+");
            if (!known) {
                throw new UnsupportedOperationException("expression not supported here: " + expression);
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(context.getOrDefault(expression, "")));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
