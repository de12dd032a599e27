package dev.deja.cli.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deja.engine.plan.Decision;
import dev.deja.engine.report.BuildReport;
import dev.deja.engine.report.ImageResult;
import dev.deja.engine.report.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The CI forms of a build report: what GitLab's dotenv parser and GitHub's output and summary readers get. */
class CiFormatTest {

    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    private static ImageResult image(String name, String result, String digest) {
        return new ImageResult(
                name,
                "reg.example.com/acme/" + name,
                Decision.BUILD,
                Result.valueOf(result.toUpperCase(Locale.ROOT)),
                "s1-" + "0".repeat(40),
                digest,
                List.of(),
                List.of(),
                Duration.ofMillis(1500),
                "");
    }

    private static BuildReport report(ImageResult... images) {
        return new BuildReport(List.of(images), true);
    }

    @Test
    void dotenvHasTwoVariablesAnImageWithGitLabsNameRulesAndThePinnedReference() {
        String dotenv = CiFormat.dotenv(report(
                image("web-app", "built", DIGEST), image("api.v2", "reused", DIGEST), image("wheels", "exported", "")));
        assertThat(dotenv.lines())
                .containsExactly(
                        "DEJA_WEB_APP_IMAGE=reg.example.com/acme/web-app@" + DIGEST,
                        "DEJA_WEB_APP_RESULT=built",
                        "DEJA_API_V2_IMAGE=reg.example.com/acme/api.v2@" + DIGEST,
                        "DEJA_API_V2_RESULT=reused",
                        "DEJA_WHEELS_IMAGE=",
                        "DEJA_WHEELS_RESULT=exported",
                        "DEJA_BUILT=web-app",
                        "DEJA_REUSED=api.v2");
        assertThat(CiFormat.dotenvWarnings(report(image("web-app", "built", DIGEST)), dotenv))
                .isEmpty();
    }

    @Test
    void aDotenvOverGitLabsLimitsOrWithCollidingNamesIsSaidBeforeGitLabRefusesIt() {
        List<ImageResult> many = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            many.add(image("service-" + i, "built", DIGEST));
        }
        BuildReport big = new BuildReport(many, true);
        assertThat(CiFormat.dotenvWarnings(big, CiFormat.dotenv(big)))
                .singleElement()
                .asString()
                .contains("52 variables")
                .contains("refuses more than 50 variables or 5120 bytes");
        BuildReport twins = report(image("a-b", "built", DIGEST), image("a_b", "built", DIGEST));
        assertThat(CiFormat.dotenvWarnings(twins, CiFormat.dotenv(twins)))
                .singleElement()
                .asString()
                .contains("a-b and a_b both make the dotenv variables DEJA_A_B_*");
    }

    @Test
    void githubOutputsAreSingleLineJson() throws Exception {
        String output = CiFormat.githubOutput(
                report(image("web", "built", DIGEST), image("api", "reused", DIGEST), image("wheels", "exported", "")),
                "/tmp/report.json");
        assertThat(output.lines()).hasSize(4).allMatch(l -> l.matches("[a-z]+=.*"));
        ObjectMapper json = new ObjectMapper();
        JsonNode digests = json.readTree(output.lines()
                .filter(l -> l.startsWith("digests="))
                .findFirst()
                .orElseThrow()
                .substring("digests=".length()));
        assertThat(digests.path("web").asText()).isEqualTo("reg.example.com/acme/web@" + DIGEST);
        assertThat(digests.has("wheels")).as("no digest, no entry").isFalse();
        assertThat(output)
                .contains("built=[\"web\"]\n")
                .contains("reused=[\"api\"]\n")
                .contains("report=/tmp/report.json\n");
    }

    @Test
    void theStepSummaryIsAMarkdownTableWithOneRowPerImage() {
        ImageResult failed = new ImageResult(
                "broken|name",
                "r/broken",
                Decision.BUILD,
                Result.FAILED,
                "s1-" + "1".repeat(40),
                "",
                List.of(),
                List.of(),
                Duration.ZERO,
                "docker buildx build exited with 1");
        String summary = CiFormat.stepSummary(new BuildReport(List.of(image("web", "built", DIGEST), failed), false));
        List<String> rows = summary.lines().filter(l -> l.startsWith("|")).toList();
        assertThat(rows)
                .containsExactly(
                        "| image | decision | state | digest | time |",
                        "|---|---|---|---|---|",
                        "| web | built | `s1-" + "0".repeat(40) + "` | `" + DIGEST + "` | 1.5 s |",
                        "| broken\\|name | failed (docker buildx build exited with 1) | `s1-" + "1".repeat(40)
                                + "` | - | 0.0 s |");
        assertThat(summary).contains("Some images failed; moving tags not written.");
    }

    @Test
    void theStepSummarySaysWhyAnImageWasBuilt() {
        ImageResult built = new ImageResult(
                "api",
                "reg.example.com/acme/api",
                Decision.BUILD,
                Result.BUILT,
                "s1-" + "0".repeat(40),
                DIGEST,
                List.of(),
                List.of(),
                Duration.ofMillis(1500),
                "base docker.io/library/python:3.12-slim moved");
        assertThat(CiFormat.stepSummary(report(built)))
                .contains("| api | built (base docker.io/library/python:3.12-slim moved) | `s1-");
    }
}
