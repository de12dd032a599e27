package dev.deja.engine.config;

import dev.deja.packer.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code .env} file as compose reads it: {@code KEY=VALUE} lines, an optional {@code export}, {@code #} comments,
 * single quotes taken literally, double quotes with {@code \n}-style escapes, and a {@code #} after a space ending an
 * unquoted value.
 */
public final class DotEnv {

    private DotEnv() {}

    /** The file's variables, or none when it does not exist. */
    public static Map<String, String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new ConfigException(file, "cannot read: " + InputException.reason(e));
        }
        Map<String, String> variables = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            String name = eq < 0 ? line : line.substring(0, eq).strip();
            if (eq < 0 || !name.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
                throw new ConfigException(
                        file, i + 1, "expected NAME=value, got: " + lines.get(i).strip());
            }
            variables.put(name, value(line.substring(eq + 1).strip(), file, i + 1));
        }
        return variables;
    }

    /** The variables a config sees: those of {@code .env} in {@code dir}, the environment winning over them. */
    public static Map<String, String> withEnvironment(Path dir, Map<String, String> environment) {
        Map<String, String> variables = new LinkedHashMap<>(read(dir.resolve(".env")));
        variables.putAll(environment);
        return variables;
    }

    private static String value(String raw, Path file, int line) {
        if (raw.startsWith("'") || raw.startsWith("\"")) {
            char quote = raw.charAt(0);
            int close = raw.indexOf(quote, 1);
            while (quote == '"' && close > 0 && raw.charAt(close - 1) == '\\') {
                close = raw.indexOf(quote, close + 1);
            }
            if (close < 0) {
                throw new ConfigException(file, line, "unterminated " + quote + " quote");
            }
            String inner = raw.substring(1, close);
            return quote == '\'' ? inner : unescape(inner);
        }
        int comment = raw.indexOf(" #");
        return (comment >= 0 ? raw.substring(0, comment) : raw).strip();
    }

    private static String unescape(String text) {
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < text.length(); k++) {
            char c = text.charAt(k);
            if (c == '\\' && k + 1 < text.length()) {
                char next = text.charAt(++k);
                out.append(
                        switch (next) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            case 'r' -> '\r';
                            default -> next;
                        });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
