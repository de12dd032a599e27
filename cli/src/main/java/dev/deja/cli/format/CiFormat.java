package dev.deja.cli.format;

import dev.deja.engine.report.BuildReport;
import dev.deja.engine.report.ImageResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A build report in the forms CI systems read: GitLab's dotenv, GitHub's step outputs and step summary. */
public final class CiFormat {

    private CiFormat() {}

    /** {@code <repository>@<digest>}, or "" when the image has no digest (exports, failures). */
    static String pinned(ImageResult image) {
        return image.digest().isEmpty() ? "" : image.repository() + "@" + image.digest();
    }

    /** An image name as a variable name part: upper case, anything outside {@code [A-Z0-9]} becomes '_'. */
    public static String variable(String image) {
        return image.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** GitLab.com's smallest plan limits for a dotenv report (Free): more and the artifact upload fails the job. */
    public static final int DOTENV_MAX_VARIABLES = 50;

    public static final int DOTENV_MAX_BYTES = 5120;

    /**
     * GitLab's dotenv report: per image {@code DEJA_<NAME>_IMAGE} (the pushed reference with digest) and
     * {@code DEJA_<NAME>_RESULT} (reused, built, …); then {@code DEJA_BUILT} and {@code DEJA_REUSED},
     * comma-separated names. Two variables an image, because GitLab limits a report's variables (see
     * {@link #dotenvWarnings}); the states are in the JSON report.
     */
    public static String dotenv(BuildReport report) {
        StringBuilder out = new StringBuilder();
        for (ImageResult image : report.images()) {
            String prefix = "DEJA_" + variable(image.name());
            out.append(prefix).append("_IMAGE=").append(pinned(image)).append('\n');
            out.append(prefix).append("_RESULT=").append(image.result().label()).append('\n');
        }
        out.append("DEJA_BUILT=")
                .append(String.join(",", names(report, "built")))
                .append('\n');
        out.append("DEJA_REUSED=")
                .append(String.join(",", names(report, "reused")))
                .append('\n');
        return out.toString();
    }

    /**
     * What GitLab would refuse or confuse in a dotenv report: more variables or bytes than GitLab.com's Free limits,
     * two images whose names make the same variable.
     */
    public static List<String> dotenvWarnings(BuildReport report, String dotenv) {
        List<String> warnings = new ArrayList<>();
        long variables = dotenv.lines().count();
        int bytes = dotenv.getBytes(StandardCharsets.UTF_8).length;
        if (variables > DOTENV_MAX_VARIABLES || bytes > DOTENV_MAX_BYTES) {
            warnings.add("the dotenv report has " + variables + " variables and " + bytes + " bytes; GitLab.com"
                    + " refuses more than " + DOTENV_MAX_VARIABLES + " variables or " + DOTENV_MAX_BYTES + " bytes"
                    + " on the Free plan (Premium: 100, Ultimate: 150, self-managed: the instance's dotenv limits):"
                    + " select fewer images for the dotenv job, or read the JSON report instead");
        }
        Map<String, String> owners = new LinkedHashMap<>();
        for (ImageResult image : report.images()) {
            String previous = owners.putIfAbsent(variable(image.name()), image.name());
            if (previous != null) {
                warnings.add("images " + previous + " and " + image.name() + " both make the dotenv variables DEJA_"
                        + variable(image.name()) + "_*: the later one wins");
            }
        }
        return warnings;
    }

    /**
     * Lines for {@code $GITHUB_OUTPUT}: {@code digests} (a JSON object, image name to pinned reference),
     * {@code built} and {@code reused} (JSON arrays of names), {@code report} (the JSON report's path, "" without
     * one).
     */
    public static String githubOutput(BuildReport report, String reportPath) {
        Map<String, Object> digests = new LinkedHashMap<>();
        for (ImageResult image : report.images()) {
            if (!pinned(image).isEmpty()) {
                digests.put(image.name(), pinned(image));
            }
        }
        return "digests=" + GraphFormat.Json.compact(digests) + "\n"
                + "built=" + GraphFormat.Json.compact(names(report, "built")) + "\n"
                + "reused=" + GraphFormat.Json.compact(names(report, "reused")) + "\n"
                + "report=" + reportPath + "\n";
    }

    /** A markdown table for {@code $GITHUB_STEP_SUMMARY}: image, decision, state, digest, time. */
    public static String stepSummary(BuildReport report) {
        StringBuilder out = new StringBuilder(
                "### deja build\n\n| image | decision | state | digest | time |\n" + "|---|---|---|---|---|\n");
        for (ImageResult image : report.images()) {
            out.append("| ")
                    .append(cell(image.name()))
                    .append(" | ")
                    .append(cell(image.result().label()))
                    .append(image.reason().isEmpty() ? "" : " (" + cell(image.reason()) + ")")
                    .append(" | `")
                    .append(image.state())
                    .append("` | ")
                    .append(image.digest().isEmpty() ? "-" : "`" + image.digest() + "`")
                    .append(" | ")
                    .append(String.format(
                            Locale.ROOT, "%.1f s", image.duration().toMillis() / 1000.0))
                    .append(" |\n");
        }
        out.append('\n')
                .append(report.succeeded() ? "Every image succeeded" : "Some images failed")
                .append(report.movingTagsWritten() ? "; moving tags written.\n" : "; moving tags not written.\n");
        return out.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static List<String> names(BuildReport report, String result) {
        List<String> names = new ArrayList<>();
        report.images().stream().filter(i -> i.result().label().equals(result)).forEach(i -> names.add(i.name()));
        return names;
    }
}
