package dev.deja.cli.format;

import dev.deja.engine.build.ImageTags;
import dev.deja.engine.plan.Decision;
import dev.deja.engine.plan.Plan;
import dev.deja.engine.plan.PlannedImage;
import dev.deja.engine.report.BuildReport;
import dev.deja.engine.report.ImageResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What {@code build} did (or, dry, would do), as a table. */
public final class BuildFormat {

    private BuildFormat() {}

    public static String report(BuildReport report) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"IMAGE", "RESULT", "STATE", "DIGEST", "TAGS", "TIME", "REASON"});
        for (ImageResult r : report.images()) {
            rows.add(new String[] {
                r.name(),
                r.result().label(),
                r.state(),
                shortDigest(r.digest()),
                r.tags().isEmpty() ? "-" : String.join(",", r.tags()),
                String.format(Locale.ROOT, "%.1fs", r.duration().toMillis() / 1000.0),
                r.reason().isEmpty() ? "" : r.reason()
            });
        }
        return Table.render(rows);
    }

    /** The JSON report (--report): per image name, repository, state, decision, digest, tags, cache-from. */
    public static String json(BuildReport report) {
        List<Map<String, Object>> images = new ArrayList<>();
        for (ImageResult r : report.images()) {
            Map<String, Object> image = new LinkedHashMap<>();
            image.put("name", r.name());
            image.put("repository", r.repository());
            image.put("state", r.state());
            image.put("decision", r.decision().label());
            image.put("result", r.result().label());
            image.put("digest", r.digest());
            image.put("tags", r.tags());
            image.put("cacheFrom", r.cacheFrom());
            image.put("durationSeconds", r.duration().toMillis() / 1000.0);
            image.put("reason", r.reason());
            images.add(image);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("succeeded", report.succeeded());
        root.put("movingTagsWritten", report.movingTagsWritten());
        root.put("images", images);
        return GraphFormat.Json.write(root);
    }

    public static String dryRun(Plan plan, ImageTags tags) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"IMAGE", "DECISION", "STATE", "WOULD TAG", "REASON"});
        boolean allReused = plan.images().stream().allMatch(i -> i.decision() == Decision.REUSE);
        for (PlannedImage image : plan.images()) {
            List<String> would = new ArrayList<>();
            if (image.decision() == Decision.REUSE) {
                would.addAll(tags.fixed(image));
                if (allReused) {
                    would.addAll(tags.moving(image));
                }
            }
            rows.add(new String[] {
                image.name(),
                image.decision().label(),
                image.stateTag(),
                would.isEmpty() ? "-" : String.join(",", would),
                image.reason()
            });
        }
        return Table.render(rows) + "(dry run: nothing built or written; drop --dry-run to do it)\n";
    }

    static String shortDigest(String digest) {
        return digest.isEmpty() ? "-" : digest.length() > 19 ? digest.substring(0, 19) : digest;
    }
}
