package dev.deja.engine.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Compose's variable syntax in config values: {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-default}},
 * {@code ${VAR-default}}, {@code ${VAR:?error}}, {@code ${VAR?error}}, {@code ${VAR:+alt}}, {@code ${VAR+alt}},
 * defaults that hold variables themselves, and {@code $$} for a literal dollar.
 *
 * <p>A variable that is unset and has no default is an error in a strict interpolator (deja.yaml: a value silently
 * empty is never what the author meant) and the empty string with a warning in a lenient one (compose files, as
 * compose does).
 */
public final class Interpolator {

    private final Map<String, String> variables;
    private final Consumer<String> unsetWarnings;

    private Interpolator(Map<String, String> variables, Consumer<String> unsetWarnings) {
        this.variables = Map.copyOf(variables);
        this.unsetWarnings = unsetWarnings;
    }

    /** Unset variables without a default are errors. */
    public static Interpolator strict(Map<String, String> variables) {
        return new Interpolator(variables, null);
    }

    /** Unset variables without a default are empty; each is told to {@code warnings}. */
    public static Interpolator lenient(Map<String, String> variables, Consumer<String> warnings) {
        return new Interpolator(variables, warnings);
    }

    /**
     * @param file where the value is written, for errors
     * @param line its line
     */
    public String interpolate(String text, Path file, int line) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        int end = expand(text, 0, text.length(), out, file, line);
        if (end != text.length()) {
            throw new ConfigException(file, line, "invalid interpolation in '" + text + "'");
        }
        return out.toString();
    }

    /** Expands {@code text[from, to)} into {@code out}; returns where it stopped. */
    private int expand(String text, int from, int to, StringBuilder out, Path file, int line) {
        int i = from;
        while (i < to) {
            char c = text.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 >= to) {
                out.append('$');
                return to;
            }
            char next = text.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '{') {
                i = braced(text, i + 2, to, out, file, line);
            } else if (Character.isLetter(next) || next == '_') {
                int start = i + 1;
                int stop = start;
                while (stop < to && (Character.isLetterOrDigit(text.charAt(stop)) || text.charAt(stop) == '_')) {
                    stop++;
                }
                out.append(valueOf(text.substring(start, stop), text, file, line));
                i = stop;
            } else {
                throw new ConfigException(
                        file, line, "invalid interpolation in '" + text + "': write $$ for a literal $");
            }
        }
        return i;
    }

    /** {@code ${...}} from just after the brace; returns the index after the closing brace. */
    private int braced(String text, int start, int to, StringBuilder out, Path file, int line) {
        int close = matchingBrace(text, start, to);
        if (close < 0) {
            throw new ConfigException(file, line, "invalid interpolation in '" + text + "': missing '}'");
        }
        String body = text.substring(start, close);
        int nameEnd = 0;
        while (nameEnd < body.length()
                && (Character.isLetterOrDigit(body.charAt(nameEnd)) || body.charAt(nameEnd) == '_')) {
            nameEnd++;
        }
        String name = body.substring(0, nameEnd);
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            throw new ConfigException(file, line, "invalid interpolation in '" + text + "': '${" + body + "}'");
        }
        String operator = body.substring(nameEnd);
        String value = variables.get(name);
        if (operator.isEmpty()) {
            out.append(valueOf(name, text, file, line));
            return close + 1;
        }
        boolean colon = operator.startsWith(":");
        String op = colon ? operator.substring(1) : operator;
        if (op.isEmpty()) {
            throw new ConfigException(file, line, "invalid interpolation in '" + text + "': '${" + body + "}'");
        }
        char kind = op.charAt(0);
        int wordStart = start + nameEnd + (colon ? 2 : 1);
        boolean unset = value == null || (colon && value.isEmpty());
        switch (kind) {
            case '-' -> {
                if (unset) {
                    expand(text, wordStart, close, out, file, line);
                } else {
                    out.append(value);
                }
            }
            case '+' -> {
                if (!unset) {
                    expand(text, wordStart, close, out, file, line);
                }
            }
            case '?' -> {
                if (unset) {
                    StringBuilder message = new StringBuilder();
                    expand(text, wordStart, close, message, file, line);
                    throw new ConfigException(
                            file,
                            line,
                            "variable " + name + " is " + (value == null ? "not set" : "empty")
                                    + (message.length() == 0 ? "" : ": " + message));
                }
                out.append(value);
            }
            default -> throw new ConfigException(
                    file, line, "invalid interpolation in '" + text + "': '${" + body + "}'");
        }
        return close + 1;
    }

    private static int matchingBrace(String text, int start, int to) {
        int depth = 1;
        for (int k = start; k < to; k++) {
            char c = text.charAt(k);
            if (c == '$' && k + 1 < to && text.charAt(k + 1) == '$') {
                k++;
            } else if (c == '$' && k + 1 < to && text.charAt(k + 1) == '{') {
                depth++;
                k++;
            } else if (c == '}' && --depth == 0) {
                return k;
            }
        }
        return -1;
    }

    private String valueOf(String name, String text, Path file, int line) {
        String value = variables.get(name);
        if (value != null) {
            return value;
        }
        if (unsetWarnings == null) {
            throw new ConfigException(
                    file,
                    line,
                    "variable " + name + " is not set (in '" + text + "'; set it in the environment or .env, or give"
                            + " a default: ${" + name + ":-value})");
        }
        unsetWarnings.accept(
                file.getFileName() + ":" + line + ": variable " + name + " is not set; it is the empty string");
        return "";
    }
}
