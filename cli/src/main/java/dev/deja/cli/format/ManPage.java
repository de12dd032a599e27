package dev.deja.cli.format;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * deja's man page (roff, section 1), written from the same command definitions as {@code --help}: the top command's
 * description and options, then every command with its description, options and examples.
 */
public final class ManPage {

    private ManPage() {}

    public static String render(CommandLine root, String version) {
        CommandSpec spec = root.getCommandSpec();
        StringBuilder out = new StringBuilder();
        out.append(".TH DEJA 1 \"\" \"").append(escape(version)).append("\" \"User Commands\"\n");
        out.append(".SH NAME\ndeja \\- build every Docker image of a monorepo exactly once per content\n");
        out.append(".SH SYNOPSIS\n.B deja\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR...]\n");
        out.append(".SH DESCRIPTION\n");
        paragraphs(spec.usageMessage().description(), out);
        out.append(".SH OPTIONS\n");
        options(spec, out);
        out.append(".SH COMMANDS\n");
        spec.subcommands().forEach((name, command) -> {
            CommandSpec sub = command.getCommandSpec();
            if (!name.equals(sub.name()) || sub.usageMessage().hidden()) {
                return; // an alias
            }
            out.append(".SS \"deja ").append(escape(name)).append("\"\n");
            paragraphs(sub.usageMessage().description(), out);
            options(sub, out);
            List<String> footer = List.of(sub.usageMessage().footer());
            if (!footer.isEmpty()) {
                out.append(".PP\nExamples:\n.nf\n");
                footer.forEach(line -> out.append(escapeLine(line)).append('\n'));
                out.append(".fi\n");
            }
        });
        out.append(".SH EXIT STATUS\n");
        out.append(".TP\n0\nsuccess\n.TP\n1\na build failed\n.TP\n2\nusage or config error\n");
        out.append(".TP\n3\nregistry or daemon unreachable\n");
        out.append(".SH SEE ALSO\n.BR docker (1),\n.BR docker-buildx (1)\n");
        return out.toString();
    }

    private static void paragraphs(String[] lines, StringBuilder out) {
        for (String line : lines) {
            out.append(".PP\n").append(escapeLine(line.replace("%n", "\n"))).append('\n');
        }
    }

    private static void options(CommandSpec spec, StringBuilder out) {
        for (OptionSpec option : spec.options()) {
            if (option.hidden()) {
                continue;
            }
            out.append(".TP\n");
            String names = String.join(", ", option.names());
            out.append("\\fB").append(escape(names)).append("\\fR");
            if (option.arity().max() > 0
                    && !option.paramLabel().isEmpty()
                    && !option.type().equals(boolean.class)) {
                out.append(" \\fI").append(escape(option.paramLabel())).append("\\fR");
            }
            out.append('\n')
                    .append(escapeLine(String.join(" ", option.description())
                            .replace("${DEFAULT-VALUE}", String.valueOf(option.defaultValue()))))
                    .append('\n');
        }
    }

    /** Text roff reads as text: backslashes and hyphens escaped, anything beyond ASCII as {@code \[uXXXX]}. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (c == '\\') {
                out.append("\\e");
            } else if (c == '-') {
                out.append("\\-");
            } else if (c > 127) {
                out.append(String.format(java.util.Locale.ROOT, "\\[u%04X]", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    /** Every line of {@code text} escaped, and kept from starting with a roff control character. */
    private static String escapeLine(String text) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (out.length() > 0) {
                out.append('\n');
            }
            String escaped = escape(line);
            out.append(escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped);
        }
        return out.toString();
    }
}
