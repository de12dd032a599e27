package dev.deja.cli.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.deja.engine.plan.FanOut;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link FanOut} as CI configuration: a GitLab child pipeline, or the per-level matrices of a GitHub run. */
public final class FanOutFormat {

    private FanOutFormat() {}

    /**
     * How the child pipeline's jobs run deja.
     *
     * @param deja         the command that starts deja, with its global options ({@code deja --registry …})
     * @param projectDir   the project root relative to the job's folder ("" when the same): artifact paths
     * @param selection    the selection arguments of the run (the final job retags exactly these images)
     * @param image        the jobs' image, "" for the runner's default
     * @param services     the jobs' services (a Docker daemon), none when empty
     * @param beforeScript what every job does first (install deja, log in to the registry)
     */
    public record GitLabJobs(
            String deja,
            String projectDir,
            List<String> selection,
            String image,
            List<String> services,
            List<String> beforeScript) {
        public GitLabJobs {
            selection = List.copyOf(selection);
            services = List.copyOf(services);
            beforeScript = List.copyOf(beforeScript);
        }
    }

    /** The stages of the child pipeline: builds and the retag first, then the job that moves branch/latest. */
    public static final String BUILD_STAGE = "deja-build";

    public static final String FINISH_STAGE = "deja-finish";

    public static String jobName(String image) {
        return "deja:build:" + image;
    }

    /**
     * A child pipeline (for {@code trigger: include: artifact:}): one job per image to build whose {@code needs:}
     * are its parents' build jobs, one job retagging the reused images, and a last stage whose job runs the whole
     * {@code build --push} (everything exists by then) and so writes the moving tags, only if every job before it
     * succeeded.
     */
    public static String gitlab(FanOut fanOut, GitLabJobs jobs, String header) {
        Map<String, Object> pipeline = new LinkedHashMap<>();
        pipeline.put("stages", List.of(BUILD_STAGE, FINISH_STAGE));
        Map<String, Object> defaults = new LinkedHashMap<>();
        if (!jobs.image().isEmpty()) {
            defaults.put("image", jobs.image());
        }
        if (!jobs.services().isEmpty()) {
            defaults.put("services", jobs.services());
        }
        if (!jobs.beforeScript().isEmpty()) {
            defaults.put("before_script", jobs.beforeScript());
        }
        if (!defaults.isEmpty()) {
            pipeline.put("default", defaults);
        }
        for (FanOut.Job build : fanOut.builds()) {
            Map<String, Object> job = new LinkedHashMap<>();
            job.put("stage", BUILD_STAGE);
            job.put("needs", build.needs().stream().map(FanOutFormat::jobName).toList());
            job.put(
                    "script",
                    List.of(jobs.deja() + " build --push --no-moving-tags --report deja-report.json "
                            + Shell.quote(build.image())));
            List<String> paths = new ArrayList<>(List.of("deja-report.json"));
            if (!build.output().isEmpty()) {
                paths.add(jobs.projectDir().isEmpty() ? build.output() : jobs.projectDir() + "/" + build.output());
            }
            job.put("artifacts", ordered("when", "always", "paths", paths));
            pipeline.put(jobName(build.image()), job);
        }
        if (!fanOut.reused().isEmpty()) {
            Map<String, Object> retag = new LinkedHashMap<>();
            retag.put("stage", BUILD_STAGE);
            retag.put("needs", List.of());
            retag.put(
                    "script",
                    List.of(jobs.deja() + " build --push --no-moving-tags "
                            + String.join(
                                    " ",
                                    fanOut.reused().stream().map(Shell::quote).toList())));
            pipeline.put("deja:retag", retag);
        }
        Map<String, Object> finish = new LinkedHashMap<>();
        finish.put("stage", FINISH_STAGE);
        finish.put(
                "script",
                List.of((jobs.deja() + " build --push --report deja-report.json --dotenv deja.env "
                                + String.join(
                                        " ",
                                        jobs.selection().stream()
                                                .map(Shell::quote)
                                                .toList()))
                        .strip()));
        finish.put(
                "artifacts",
                ordered(
                        "when",
                        "always",
                        "paths",
                        List.of("deja-report.json"),
                        "reports",
                        Map.of("dotenv", "deja.env")));
        pipeline.put("deja:finish", finish);
        try {
            return header
                    + new YAMLMapper()
                            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                            .disable(YAMLGenerator.Feature.SPLIT_LINES)
                            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                            .writeValueAsString(pipeline);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /**
     * The GitHub form: {@code {"levels": [{"image": [...]}, ...], "build": [...], "reused": [...]}}; each level is
     * a valid {@code strategy.matrix} and runs after the one before it.
     */
    public static String github(FanOut fanOut) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put(
                "levels",
                fanOut.levels().stream().map(level -> Map.of("image", level)).toList());
        root.put("build", fanOut.builds().stream().map(FanOut.Job::image).toList());
        root.put("reused", fanOut.reused());
        return GraphFormat.Json.compact(root);
    }

    /** {@code $GITHUB_OUTPUT} lines: {@code levels} (count), {@code level-N} (a matrix, up to {@code max}). */
    public static String githubOutput(FanOut fanOut, int max) {
        StringBuilder out = new StringBuilder();
        List<List<String>> levels = fanOut.levels();
        out.append("levels=").append(levels.size()).append('\n');
        for (int i = 0; i < max; i++) {
            out.append("level-")
                    .append(i)
                    .append('=')
                    .append(i < levels.size() ? GraphFormat.Json.compact(Map.of("image", levels.get(i))) : "")
                    .append('\n');
        }
        out.append("matrix=").append(github(fanOut)).append('\n');
        return out.toString();
    }

    /** POSIX shell quoting, only where needed. */
    static final class Shell {
        private Shell() {}

        static String quote(String word) {
            return word.matches("[A-Za-z0-9._/:=@%+-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
        }
    }
}
