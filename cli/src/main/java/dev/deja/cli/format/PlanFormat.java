package dev.deja.cli.format;

import dev.deja.engine.plan.Plan;
import dev.deja.engine.plan.PlannedImage;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The plan as a table for people and as JSON for tools. */
public final class PlanFormat {

    private PlanFormat() {}

    public static String table(Plan plan) {
        List<String[]> rows = new ArrayList<>();
        // The reason column only when an image has one (an image to build, online).
        boolean reasons =
                plan.images().stream().anyMatch(image -> !image.reason().isEmpty());
        rows.add(Arrays.copyOf(
                new String[] {"LEVEL", "IMAGE", "DECISION", "STATE", "DIGEST", "FILES", "SIZE", "PARENTS", "REASON"},
                reasons ? 9 : 8));
        for (PlannedImage image : plan.images()) {
            rows.add(Arrays.copyOf(
                    new String[] {
                        String.valueOf(image.level()),
                        image.name(),
                        image.decision().label(),
                        image.stateTag() + (image.unresolved().isEmpty() ? "" : " (unresolved)"),
                        BuildFormat.shortDigest(image.digest()),
                        String.valueOf(image.files()),
                        humanBytes(image.bytes()),
                        image.parents().isEmpty() ? "-" : String.join(",", image.parents()),
                        image.reason()
                    },
                    reasons ? 9 : 8));
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
            out.put("unresolvedBases", image.unresolved());
            out.put("reason", image.reason());
            images.add(out);
        }
        return GraphFormat.Json.write(Map.of("images", images));
    }

    /**
     * Says once which bases an offline run could not resolve, when any: the states it printed for them are marked,
     * and how to get real ones.
     */
    public static void warnUnresolved(Plan plan, PrintWriter err) {
        List<String> bases = plan.images().stream()
                .flatMap(image -> image.unresolved().stream())
                .distinct()
                .sorted()
                .toList();
        if (bases.isEmpty()) {
            return;
        }
        long states =
                plan.images().stream().filter(i -> !i.unresolved().isEmpty()).count();
        err.println("deja: warning: " + states + (states == 1 ? " state depends" : " states depend")
                + " on base images not resolved offline (" + String.join(", ", bases)
                + "): marked unresolved, no registry holds them; run online, or 'deja lock' and 'bases: lock'"
                + " for offline states that are the real ones");
        err.flush();
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
