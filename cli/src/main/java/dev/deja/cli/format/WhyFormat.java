package dev.deja.cli.format;

import dev.deja.engine.why.Change;
import dev.deja.engine.why.Why;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code deja why}: the differences as indented lines for people, as JSON for tools. */
public final class WhyFormat {

    private WhyFormat() {}

    public static String text(Why why) {
        StringBuilder out = new StringBuilder();
        out.append(why.image()).append(' ').append(why.state());
        if (why.earlierState().isEmpty()) {
            out.append(": ")
                    .append(why.note().isEmpty() ? "no earlier state" : why.note())
                    .append('\n');
            return out.toString();
        }
        if (why.same()) {
            out.append(": the same state as ").append(why.against()).append(" (nothing to rebuild)\n");
            return out.toString();
        }
        out.append(" differs from ")
                .append(why.against())
                .append(" (")
                .append(why.earlierState())
                .append("):\n");
        lines(why, "  ", out);
        return out.toString();
    }

    private static void lines(Why why, String indent, StringBuilder out) {
        if (!why.note().isEmpty()) {
            out.append(indent).append("(").append(why.note()).append(")\n");
        }
        if (why.changes().isEmpty() && !why.same()) {
            out.append(indent)
                    .append("no difference deja can name: the state format or an input it does not summarize\n");
        }
        for (Change change : why.changes()) {
            if (change.kind() == Change.Kind.PARENT && change.because().isPresent()) {
                Why parent = change.because().get();
                out.append(indent).append("parent ").append(change.subject()).append(" changed");
                if (parent.earlierState().isEmpty()) {
                    out.append(" (").append(parent.note()).append(")\n");
                } else {
                    out.append(" (")
                            .append(parent.earlierState())
                            .append(" -> ")
                            .append(parent.state())
                            .append("):\n");
                    lines(parent, indent + "  ", out);
                }
            } else {
                out.append(indent).append(change.describe()).append('\n');
            }
        }
    }

    public static String json(Why why) {
        return GraphFormat.Json.write(tree(why));
    }

    private static Map<String, Object> tree(Why why) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("image", why.image());
        out.put("state", why.state());
        out.put("against", why.against());
        out.put("earlierState", why.earlierState());
        out.put("same", why.same());
        out.put("reason", why.reason());
        out.put("note", why.note());
        List<Map<String, Object>> changes = new ArrayList<>();
        for (Change change : why.changes()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put(
                    "kind",
                    change.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            c.put("subject", change.subject());
            c.put("before", change.before());
            c.put("after", change.after());
            c.put("text", change.describe());
            change.because().ifPresent(parent -> c.put("because", tree(parent)));
            changes.add(c);
        }
        out.put("changes", changes);
        return out;
    }
}
