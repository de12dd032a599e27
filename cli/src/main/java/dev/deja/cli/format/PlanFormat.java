package dev.deja.cli.format;

import dev.deja.engine.plan.Plan;
import dev.deja.engine.plan.PlannedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The plan as a table for people and as JSON for tools. */
public final class PlanFormat {

    private PlanFormat() {}

    public static String table(Plan plan) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"LEVEL", "IMAGE", "DECISION", "STATE", "DIGEST", "FILES", "SIZE", "PARENTS"});
        for (PlannedImage image : plan.images()) {
            rows.add(new String[] {
                String.valueOf(image.level()),
                image.name(),
                image.decision().label(),
                image.stateTag(),
                BuildFormat.shortDigest(image.digest()),
                String.valueOf(image.files()),
                humanBytes(image.bytes()),
                image.parents().isEmpty() ? "-" : String.join(",", image.parents())
            });
        }
        return Table.render(rows);
    }

    public static String json(Plan plan) {
        List<Map<String, Object>> images = new ArrayList<>();
        for (PlannedImage image : plan.images()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", image.name());
            out.put("repository", image.repository());
            out.put("state", image.state().digest());
            out.put("stateTag", image.stateTag());
            out.put("ref", image.stateRef());
            out.put("decision", image.decision().label());
            out.put("digest", image.digest());
            out.put("level", image.level());
            out.put("parents", image.parents());
            out.put("files", image.files());
            out.put("bytes", image.bytes());
            images.add(out);
        }
        return GraphFormat.Json.write(Map.of("images", images));
    }

    public static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
