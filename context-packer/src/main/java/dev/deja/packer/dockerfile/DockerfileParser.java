package dev.deja.packer.dockerfile;

import dev.deja.packer.InputException;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Dockerfile's syntax the way BuildKit does: parser directives at the top ({@code syntax}, {@code escape},
 * {@code check}), continuation lines joined (comments and blank lines inside them skipped), heredoc bodies of RUN,
 * COPY and ADD skipped so that their content is never taken for instructions.
 */
final class DockerfileParser {

    private static final Pattern DIRECTIVE =
            Pattern.compile("^#[ \\t]*([a-zA-Z][a-zA-Z0-9]*)[ \\t]*=[ \\t]*(.+?)[ \\t]*$");
    private static final Pattern HEREDOC = Pattern.compile("<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\\2");
    private static final Set<String> KNOWN_DIRECTIVES = Set.of("syntax", "escape", "check");

    private DockerfileParser() {}

    static Dockerfile read(Path file) {
        try {
            return parse(file, Files.readString(file, StandardCharsets.UTF_8));
        } catch (MalformedInputException e) {
            throw new InputException(file, "Dockerfile is not valid UTF-8");
        } catch (IOException e) {
            throw new InputException(file, "cannot read Dockerfile: " + InputException.reason(e));
        }
    }

    static Dockerfile parse(Path file, String content) {
        if (content.startsWith("\uFEFF")) {
            content = content.substring(1);
        }
        List<String> lines = List.of(content.split("\n", -1));
        Map<String, String> directives = new LinkedHashMap<>();
        int i = 0;
        int n = lines.size();
        while (i < n) {
            Matcher m = DIRECTIVE.matcher(stripCr(lines.get(i)));
            if (!m.matches()) {
                break;
            }
            String name = m.group(1).toLowerCase(Locale.ROOT);
            if (KNOWN_DIRECTIVES.contains(name)) {
                if (directives.putIfAbsent(name, m.group(2)) != null) {
                    throw new InputException(file, i + 1, "parser directive '" + name + "' is set twice");
                }
            }
            i++;
        }
        String escapeValue = directives.getOrDefault("escape", "\\");
        if (!escapeValue.equals("\\") && !escapeValue.equals("`")) {
            throw new InputException(file, 1, "invalid escape directive '" + escapeValue + "': must be \\ or `");
        }
        char escape = escapeValue.charAt(0);
        Pattern continuation = Pattern.compile(Pattern.quote(String.valueOf(escape)) + "[ \\t]*$");

        List<Instruction> instructions = new ArrayList<>();
        while (i < n) {
            String raw = stripCr(lines.get(i));
            if (isBlankOrComment(raw)) {
                i++;
                continue;
            }
            int start = i;
            int last = i;
            StringBuilder text = new StringBuilder();
            String current = raw.stripLeading();
            while (true) {
                Matcher c = continuation.matcher(current);
                if (!c.find()) {
                    text.append(current);
                    break;
                }
                text.append(current, 0, c.start());
                i++;
                while (i < n && isBlankOrComment(stripCr(lines.get(i)))) {
                    i++;
                }
                if (i >= n) {
                    break;
                }
                last = i;
                current = stripCr(lines.get(i));
            }
            i = last + 1;
            String joined = text.toString().strip();
            int space = indexOfWhitespace(joined);
            String keyword = space < 0 ? joined : joined.substring(0, space);
            String arguments = space < 0 ? "" : joined.substring(space).strip();
            Instruction instruction = new Instruction(start + 1, last + 1, keyword, arguments);
            instructions.add(instruction);
            if (instruction.is("RUN") || instruction.is("COPY") || instruction.is("ADD")) {
                i = skipHeredocs(file, lines, i, instruction);
            }
        }
        return new Dockerfile(file, lines, escape, Collections.unmodifiableMap(directives), List.copyOf(instructions));
    }

    private static int skipHeredocs(Path file, List<String> lines, int i, Instruction instruction) {
        Matcher m = HEREDOC.matcher(instruction.arguments());
        while (m.find()) {
            boolean stripTabs = !m.group(1).isEmpty();
            String terminator = m.group(3);
            while (true) {
                if (i >= lines.size()) {
                    throw new InputException(
                            file, instruction.line(), "heredoc <<" + terminator + " is not terminated");
                }
                String body = stripCr(lines.get(i++));
                if (stripTabs) {
                    body = body.replaceFirst("^\\t+", "");
                }
                if (body.equals(terminator)) {
                    break;
                }
            }
        }
        return i;
    }

    private static boolean isBlankOrComment(String line) {
        String s = line.strip();
        return s.isEmpty() || s.startsWith("#");
    }

    private static int indexOfWhitespace(String s) {
        for (int k = 0; k < s.length(); k++) {
            if (Character.isWhitespace(s.charAt(k))) {
                return k;
            }
        }
        return -1;
    }

    private static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
}
