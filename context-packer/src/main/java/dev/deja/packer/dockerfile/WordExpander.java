package dev.deja.packer.dockerfile;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands one Dockerfile word the way BuildKit's shell lexer does for FROM, ARG and --from: {@code $VAR},
 * {@code ${VAR}}, {@code ${VAR:-word}}, {@code ${VAR-word}}, {@code ${VAR:+word}}, {@code ${VAR+word}},
 * {@code ${VAR:?msg}}, the pattern forms {@code ${VAR#pattern}}, {@code ${VAR##pattern}}, {@code ${VAR%pattern}},
 * {@code ${VAR%%pattern}}, {@code ${VAR/pattern/replacement}} and {@code ${VAR//pattern/replacement}} ({@code *} and
 * {@code ?} wildcards), quotes removed, the escape character taken literally before the next one.
 *
 * <p>Unlike BuildKit, a plain reference to an unset variable is an error here: an image reference built from an
 * empty variable is never what the author meant, and it would make the dependency graph silently wrong.
 */
final class WordExpander {

    /** A variable the word needs and the build does not define. */
    static final class UnsetVariableException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String variable;

        UnsetVariableException(String variable, String message) {
            super(message);
            this.variable = variable;
        }
    }

    private final Map<String, String> variables;
    private final char escape;

    WordExpander(Map<String, String> variables, char escape) {
        this.variables = variables;
        this.escape = escape;
    }

    String expand(String word) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        int n = word.length();
        while (i < n) {
            char c = word.charAt(i);
            if (c == escape && i + 1 < n) {
                out.append(word.charAt(i + 1));
                i += 2;
            } else if (c == '\'') {
                int end = word.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated single quote in " + word);
                }
                out.append(word, i + 1, end);
                i = end + 1;
            } else if (c == '"') {
                i = expandDoubleQuoted(word, i + 1, out);
            } else if (c == '$') {
                i = expandVariable(word, i, out);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private int expandDoubleQuoted(String word, int i, StringBuilder out) {
        int n = word.length();
        while (i < n) {
            char c = word.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == escape && i + 1 < n) {
                out.append(word.charAt(i + 1));
                i += 2;
            } else if (c == '$') {
                i = expandVariable(word, i, out);
            } else {
                out.append(c);
                i++;
            }
        }
        throw new IllegalArgumentException("unterminated double quote in " + word);
    }

    /** {@code i} points at '$'; returns the index after the reference. */
    private int expandVariable(String word, int i, StringBuilder out) {
        int n = word.length();
        if (i + 1 >= n) {
            out.append('$');
            return i + 1;
        }
        if (word.charAt(i + 1) == '{') {
            int close = matchingBrace(word, i + 2);
            String body = word.substring(i + 2, close);
            out.append(expandBraced(body));
            return close + 1;
        }
        int j = i + 1;
        while (j < n && isNameChar(word.charAt(j))) {
            j++;
        }
        if (j == i + 1) {
            out.append('$');
            return i + 1;
        }
        String name = word.substring(i + 1, j);
        out.append(require(name));
        return j;
    }

    private static int matchingBrace(String word, int from) {
        int depth = 1;
        for (int k = from; k < word.length(); k++) {
            char c = word.charAt(k);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return k;
            }
        }
        throw new IllegalArgumentException("missing '}' in " + word);
    }

    private String expandBraced(String body) {
        int j = 0;
        while (j < body.length() && isNameChar(body.charAt(j))) {
            j++;
        }
        String name = body.substring(0, j);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("bad substitution ${" + body + "}");
        }
        if (j == body.length()) {
            return require(name);
        }
        boolean colon = body.charAt(j) == ':';
        int opAt = colon ? j + 1 : j;
        if (opAt >= body.length()) {
            throw new IllegalArgumentException("bad substitution ${" + body + "}");
        }
        char op = body.charAt(opAt);
        String operand = body.substring(opAt + 1);
        if (!colon && (op == '#' || op == '%' || op == '/')) {
            return withPattern(require(name), op, operand);
        }
        String value = variables.get(name);
        boolean set = colon ? value != null && !value.isEmpty() : value != null;
        switch (op) {
            case '-':
                return set ? value : expand(operand);
            case '+':
                return set ? expand(operand) : "";
            case '?':
                if (!set) {
                    throw new UnsetVariableException(name, operand.isEmpty() ? name + " is not set" : operand);
                }
                return value;
            default:
                throw new IllegalArgumentException("unsupported substitution ${" + body + "}");
        }
    }

    /**
     * {@code value} with the shortest ({@code #}, {@code %}) or longest ({@code ##}, {@code %%}) prefix or suffix that
     * matches the pattern removed, or its first ({@code /}) or every ({@code //}) longest match replaced.
     */
    private String withPattern(String value, char op, String operand) {
        if (op == '/') {
            boolean every = operand.startsWith("/");
            String rest = every ? operand.substring(1) : operand;
            int slash = unescaped(rest, '/');
            Pattern pattern = pattern(slash < 0 ? rest : rest.substring(0, slash));
            String replacement = slash < 0 ? "" : expand(rest.substring(slash + 1));
            Matcher matcher = pattern.matcher(value);
            String quoted = Matcher.quoteReplacement(replacement);
            return every ? matcher.replaceAll(quoted) : matcher.replaceFirst(quoted);
        }
        boolean longest = operand.length() > 0 && operand.charAt(0) == op;
        Pattern pattern = pattern(longest ? operand.substring(1) : operand);
        int n = value.length();
        if (op == '#') {
            for (int k = 0; k <= n; k++) {
                int end = longest ? n - k : k;
                if (pattern.matcher(value.substring(0, end)).matches()) {
                    return value.substring(end);
                }
            }
        } else {
            for (int k = 0; k <= n; k++) {
                int start = longest ? k : n - k;
                if (pattern.matcher(value.substring(start)).matches()) {
                    return value.substring(0, start);
                }
            }
        }
        return value;
    }

    /** A shell pattern as BuildKit reads it: {@code *}, {@code ?}, the escape character, variables; no brackets. */
    private Pattern pattern(String shell) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < shell.length(); i++) {
            char c = shell.charAt(i);
            if (c == escape && i + 1 < shell.length()) {
                regex.append(Pattern.quote(String.valueOf(shell.charAt(++i))));
            } else if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else if (c == '$') {
                StringBuilder variable = new StringBuilder();
                i = expandVariable(shell, i, variable) - 1;
                regex.append(Pattern.quote(variable.toString()));
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** The index of the first {@code c} in {@code text} not after the escape character, or -1. */
    private int unescaped(String text, char c) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == escape) {
                i++;
            } else if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private String require(String name) {
        String value = variables.get(name);
        if (value == null) {
            throw new UnsetVariableException(name, "variable " + name + " is not set");
        }
        return value;
    }

    private static boolean isNameChar(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
