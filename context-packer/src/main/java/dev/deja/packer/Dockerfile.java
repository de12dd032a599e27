package dev.deja.packer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed Dockerfile: parser directives, instructions with their line numbers, continuations joined, heredoc
 * bodies skipped (and left intact on rewrite). Only what deja needs is interpreted: FROM, ARG and COPY/ADD
 * {@code --from}; everything else is kept as text.
 */
public final class Dockerfile {

    private static final Pattern DIRECTIVE =
            Pattern.compile("^#[ \\t]*([a-zA-Z][a-zA-Z0-9]*)[ \\t]*=[ \\t]*(.+?)[ \\t]*$");
    private static final Pattern HEREDOC = Pattern.compile("<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\\2");
    private static final Set<String> KNOWN_DIRECTIVES = Set.of("syntax", "escape", "check");

    private final Path file;
    private final List<String> lines;
    private final char escape;
    private final Map<String, String> directives;
    private final List<Instruction> instructions;

    private Dockerfile(Path file, List<String> lines, char escape, Map<String, String> directives,
                       List<Instruction> instructions) {
        this.file = file;
        this.lines = lines;
        this.escape = escape;
        this.directives = directives;
        this.instructions = instructions;
    }

    public static Dockerfile read(Path file) {
        try {
            return parse(file, Files.readString(file, StandardCharsets.UTF_8));
        } catch (java.nio.charset.MalformedInputException e) {
            throw new InputException(file, "Dockerfile is not valid UTF-8");
        } catch (IOException e) {
            throw new InputException(file, "cannot read Dockerfile: " + e.getMessage());
        }
    }

    public static Dockerfile parse(Path file, String content) {
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
        return new Dockerfile(file, lines, escape, Collections.unmodifiableMap(directives),
                List.copyOf(instructions));
    }

    private static int skipHeredocs(Path file, List<String> lines, int i, Instruction instruction) {
        Matcher m = HEREDOC.matcher(instruction.arguments());
        while (m.find()) {
            boolean stripTabs = !m.group(1).isEmpty();
            String terminator = m.group(3);
            while (true) {
                if (i >= lines.size()) {
                    throw new InputException(file, instruction.line(),
                            "heredoc <<" + terminator + " is not terminated");
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

    public Path file() {
        return file;
    }

    public List<Instruction> instructions() {
        return instructions;
    }

    public Optional<String> directive(String name) {
        return Optional.ofNullable(directives.get(name.toLowerCase(Locale.ROOT)));
    }

    public char escape() {
        return escape;
    }

    /**
     * The images this Dockerfile uses, with ARG substitution done: each FROM that is not one of its own stages or
     * {@code scratch}, and each COPY/ADD {@code --from} that is not a stage name or index.
     *
     * @param buildArgs the build arguments that override ARG defaults
     */
    public List<ImageUse> imageUses(Map<String, String> buildArgs) {
        Map<String, String> meta = new HashMap<>();
        Map<String, String> stageVars = null;
        Set<String> stageNames = new HashSet<>();
        int stageCount = 0;
        List<ImageUse> uses = new ArrayList<>();
        for (Instruction instruction : instructions) {
            if (instruction.is("ARG")) {
                Map<String, String> scope = stageVars == null ? meta : stageVars;
                for (String declaration : splitArgDeclarations(instruction)) {
                    declareArg(instruction, declaration, buildArgs, meta, scope);
                }
            } else if (instruction.is("FROM")) {
                Flags flags = Flags.parse(instruction.arguments());
                List<String> words = List.of(flags.rest().split("\\s+"));
                if (flags.rest().isEmpty() || !(words.size() == 1
                        || (words.size() == 3 && words.get(1).equalsIgnoreCase("AS")))) {
                    throw new InputException(file, instruction.line(),
                            "FROM takes an image and an optional 'AS name', got: FROM " + instruction.arguments());
                }
                String written = words.get(0);
                String reference = expandOrFail(instruction, written, meta);
                if (reference.isEmpty()) {
                    throw new InputException(file, instruction.line(), "FROM " + written + " expands to nothing");
                }
                if (!stageNames.contains(reference.toLowerCase(Locale.ROOT)) && !reference.equals("scratch")) {
                    uses.add(new ImageUse(instruction, ImageUse.Kind.FROM, written, reference));
                }
                if (words.size() == 3) {
                    stageNames.add(words.get(2).toLowerCase(Locale.ROOT));
                }
                stageVars = new HashMap<>(meta);
                stageCount++;
            } else if (stageVars == null) {
                throw new InputException(file, instruction.line(),
                        instruction.keyword().toUpperCase(Locale.ROOT)
                                + " comes before the first FROM (only ARG may)");
            } else if (instruction.is("COPY") || instruction.is("ADD")) {
                Optional<String> from = Flags.parse(instruction.arguments()).value("from");
                if (from.isPresent()) {
                    String reference = expandOrFail(instruction, from.get(), stageVars);
                    boolean stageIndex = reference.matches("\\d+") && Integer.parseInt(reference) < stageCount;
                    if (!stageIndex && !stageNames.contains(reference.toLowerCase(Locale.ROOT))) {
                        uses.add(new ImageUse(instruction, ImageUse.Kind.COPY_FROM, from.get(), reference));
                    }
                }
            }
        }
        if (stageCount == 0) {
            throw new InputException(file, 0, "no FROM instruction: a Dockerfile needs at least one build stage");
        }
        return List.copyOf(uses);
    }

    private void declareArg(Instruction instruction, String declaration, Map<String, String> buildArgs,
                            Map<String, String> meta, Map<String, String> scope) {
        int eq = declaration.indexOf('=');
        String name = eq < 0 ? declaration : declaration.substring(0, eq);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new InputException(file, instruction.line(), "invalid ARG name '" + name + "'");
        }
        String value;
        if (buildArgs.containsKey(name)) {
            value = buildArgs.get(name);
        } else if (eq >= 0) {
            value = expandOrFail(instruction, declaration.substring(eq + 1), scope);
        } else {
            // A stage may re-declare a global ARG without a value to bring it into scope.
            value = scope == meta ? null : meta.get(name);
        }
        if (value != null) {
            scope.put(name, value);
        }
    }

    private String expandOrFail(Instruction instruction, String word, Map<String, String> variables) {
        try {
            return new WordExpander(variables, escape).expand(word);
        } catch (WordExpander.UnsetVariableException e) {
            throw new InputException(file, instruction.line(),
                    instruction.keyword().toUpperCase(Locale.ROOT) + " " + instruction.arguments() + ": "
                            + e.getMessage() + " (give it a default with ARG " + e.variable
                            + "=... before FROM, or set it in the image's args)");
        } catch (IllegalArgumentException e) {
            throw new InputException(file, instruction.line(), e.getMessage());
        }
    }

    /** {@code ARG A=1 B="x y"}: split on white space outside quotes. */
    private List<String> splitArgDeclarations(Instruction instruction) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        String s = instruction.arguments();
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == escape && k + 1 < s.length()) {
                current.append(c).append(s.charAt(++k));
            } else if (quote != 0) {
                current.append(c);
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                current.append(c);
            } else if (Character.isWhitespace(c)) {
                if (current.length() > 0) {
                    out.add(current.toString());
                    current.setLength(0);
                }
            } else {
                current.append(c);
            }
        }
        if (current.length() > 0) {
            out.add(current.toString());
        }
        if (out.isEmpty()) {
            throw new InputException(file, instruction.line(), "ARG needs a name");
        }
        return out;
    }

    /**
     * The Dockerfile text with image references replaced. Line numbers are kept: a rewritten instruction that
     * spanned several lines becomes one line followed by blank ones, so builder errors still point at the right
     * line of the user's file.
     *
     * @param buildArgs   as for {@link #imageUses}
     * @param replacement the new reference for a used image, or empty to leave it
     */
    public String rewrite(Map<String, String> buildArgs, Function<ImageUse, Optional<String>> replacement) {
        List<String> out = new ArrayList<>(lines);
        for (ImageUse use : imageUses(buildArgs)) {
            Optional<String> replaced = replacement.apply(use);
            if (replaced.isEmpty()) {
                continue;
            }
            Instruction instruction = use.instruction();
            Flags flags = Flags.parse(instruction.arguments());
            String text;
            if (use.kind() == ImageUse.Kind.FROM) {
                String[] words = flags.rest().split("\\s+");
                words[0] = replaced.get();
                text = new Flags(flags.tokens(), String.join(" ", words)).render();
            } else {
                text = flags.withValue("from", replaced.get()).render();
            }
            out.set(instruction.line() - 1, instruction.keyword() + " " + text);
            for (int k = instruction.line(); k < instruction.endLine(); k++) {
                out.set(k, "");
            }
        }
        return String.join("\n", out);
    }
}
