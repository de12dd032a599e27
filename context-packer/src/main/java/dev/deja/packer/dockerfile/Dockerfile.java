package dev.deja.packer.dockerfile;

import dev.deja.packer.InputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed Dockerfile (made by {@link DockerfileParser}): its parser directives and instructions. Only what deja
 * needs is interpreted here: the build stages, the ARG scopes (global and per stage) and the images used by
 * FROM and COPY/ADD {@code --from}; everything else is kept as text.
 */
public final class Dockerfile {

    private final Path file;
    private final List<String> lines;
    private final char escape;
    private final Map<String, String> directives;
    private final List<Instruction> instructions;

    Dockerfile(
            Path file,
            List<String> lines,
            char escape,
            Map<String, String> directives,
            List<Instruction> instructions) {
        this.file = file;
        this.lines = lines;
        this.escape = escape;
        this.directives = directives;
        this.instructions = instructions;
    }

    /** Reads and parses {@code file} (see {@link DockerfileParser}). */
    public static Dockerfile read(Path file) {
        return DockerfileParser.read(file);
    }

    /** Parses {@code content} as if read from {@code file} (see {@link DockerfileParser}). */
    public static Dockerfile parse(Path file, String content) {
        return DockerfileParser.parse(file, content);
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

    /** {@link #imageUses(Arguments)} for a build on this machine for its own platform. */
    public List<ImageUse> imageUses(Map<String, String> buildArgs) {
        return imageUses(Arguments.of(buildArgs));
    }

    /**
     * The images this Dockerfile uses, with ARG substitution done: each FROM that is not one of its own stages or
     * {@code scratch}, each COPY/ADD {@code --from} and each RUN {@code --mount=…,from=} that is not a stage name or
     * index.
     */
    public List<ImageUse> imageUses(Arguments arguments) {
        return analyze(arguments).uses();
    }

    /**
     * What COPY and ADD read from the context or the network, and what RUN bind-mounts from the context
     * ({@code --mount=type=bind,source=go.mod}; bind is the default type), in order. A source whose variables cannot
     * be expanded (an unset ARG, an ENV value) is left out: deja cannot tell what it names.
     */
    public List<CopySource> copySources(Arguments arguments) {
        return analyze(arguments).sources();
    }

    /**
     * The RUN steps that need an entitlement in the stages a build of {@code target} ("" for the last stage) reaches:
     * the target, the stages it is built {@code FROM}, copies {@code --from} or mounts, and theirs. BuildKit asks for
     * the entitlements of those only.
     */
    public List<EntitlementUse> entitlements(Arguments arguments, String target) {
        List<Stage> stages = analyze(arguments).stages();
        int start = target.isEmpty() ? stages.size() - 1 : stageNamed(target, stages);
        if (start < 0) {
            throw new InputException(
                    file,
                    0,
                    "target stage '" + target + "' is not a stage of this Dockerfile (stages: "
                            + String.join(
                                    ", ",
                                    stages.stream()
                                            .map(Stage::name)
                                            .filter(name -> !name.isEmpty())
                                            .toList())
                            + ")");
        }
        Set<Integer> reached = new HashSet<>();
        List<Integer> toVisit = new ArrayList<>(List.of(start));
        while (!toVisit.isEmpty()) {
            int stage = toVisit.remove(toVisit.size() - 1);
            if (reached.add(stage)) {
                toVisit.addAll(stages.get(stage).needs());
            }
        }
        List<EntitlementUse> uses = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            if (reached.contains(i)) {
                uses.addAll(stages.get(i).entitlements());
            }
        }
        return List.copyOf(uses);
    }

    /**
     * One build stage: its name ("" when it has none), the earlier stages it needs (by index) and the RUN steps of it
     * that need an entitlement.
     */
    private record Stage(String name, Set<Integer> needs, List<EntitlementUse> entitlements) {}

    private record Analysis(List<ImageUse> uses, List<CopySource> sources, List<Stage> stages) {}

    private Analysis analyze(Arguments arguments) {
        Map<String, String> buildArgs = arguments.buildArgs();
        Map<String, String> meta = new HashMap<>(arguments.automatic());
        Map<String, String> stageVars = null;
        List<ImageUse> uses = new ArrayList<>();
        List<CopySource> sources = new ArrayList<>();
        List<Stage> stages = new ArrayList<>();
        for (Instruction instruction : instructions) {
            if (instruction.is("ARG")) {
                Map<String, String> scope = stageVars == null ? meta : stageVars;
                for (String declaration : splitArgDeclarations(instruction)) {
                    declareArg(instruction, declaration, buildArgs, meta, scope);
                }
            } else if (instruction.is("FROM")) {
                Flags flags = Flags.parse(instruction.arguments());
                List<String> words = List.of(flags.rest().split("\\s+"));
                if (flags.rest().isEmpty()
                        || !(words.size() == 1
                                || (words.size() == 3 && words.get(1).equalsIgnoreCase("AS")))) {
                    throw new InputException(
                            file,
                            instruction.line(),
                            "FROM takes an image and an optional 'AS name', got: FROM " + instruction.arguments());
                }
                String written = words.get(0);
                String reference = expandOrFail(instruction, written, meta);
                if (reference.isEmpty()) {
                    throw new InputException(file, instruction.line(), "FROM " + written + " expands to nothing");
                }
                Set<Integer> needs = new HashSet<>();
                int parent = stageNamed(reference, stages);
                if (parent >= 0) {
                    needs.add(parent);
                } else if (!reference.equals("scratch")) {
                    uses.add(new ImageUse(instruction, ImageUse.Kind.FROM, written, reference));
                }
                stages.add(new Stage(words.size() == 3 ? words.get(2) : "", needs, new ArrayList<>()));
                stageVars = new HashMap<>(meta);
            } else if (stageVars == null) {
                throw new InputException(
                        file,
                        instruction.line(),
                        instruction.keyword().toUpperCase(Locale.ROOT) + " comes before the first FROM (only ARG may)");
            } else if (instruction.is("COPY") || instruction.is("ADD")) {
                Flags flags = Flags.parse(instruction.arguments());
                Optional<String> from = flags.value("from");
                if (from.isPresent()) {
                    useOrNeed(instruction, ImageUse.Kind.COPY_FROM, from.get(), stageVars, stages, uses);
                } else {
                    addSources(instruction, flags, stageVars, sources);
                }
            } else if (instruction.is("RUN")) {
                Flags flags = Flags.parse(instruction.arguments());
                Stage stage = stages.get(stages.size() - 1);
                Map<String, String> variables = stageVars;
                for (String mount : flags.values("mount")) {
                    Optional<String> from = mountOption(mount, "from");
                    if (from.isEmpty()
                            && mountOption(mount, "type").orElse("bind").equalsIgnoreCase("bind")) {
                        // A bind mount of the context reads it as COPY does.
                        mountOption(mount, "source")
                                .or(() -> mountOption(mount, "src"))
                                .filter(path -> !path.matches("[./]*"))
                                .flatMap(path -> expanded(path, variables))
                                .ifPresent(path -> sources.add(new CopySource(instruction, path, false, false)));
                    }
                    if (from.isPresent()) {
                        useOrNeed(instruction, ImageUse.Kind.MOUNT_FROM, from.get(), stageVars, stages, uses);
                    }
                }
                if (flagIs(flags, "network", "host", stageVars)) {
                    stage.entitlements().add(new EntitlementUse(instruction, EntitlementUse.NETWORK_HOST));
                }
                if (flagIs(flags, "security", "insecure", stageVars)) {
                    stage.entitlements().add(new EntitlementUse(instruction, EntitlementUse.SECURITY_INSECURE));
                }
            }
        }
        if (stages.isEmpty()) {
            throw new InputException(file, 0, "no FROM instruction: a Dockerfile needs at least one build stage");
        }
        return new Analysis(List.copyOf(uses), List.copyOf(sources), List.copyOf(stages));
    }

    /**
     * Whether the flag {@code --name=} is {@code value}, variables expanded; a value that cannot be expanded (an unset
     * ARG) is not: BuildKit refuses it itself.
     */
    private boolean flagIs(Flags flags, String name, String value, Map<String, String> variables) {
        return flags.value(name)
                .flatMap(written -> expanded(written, variables))
                .filter(value::equalsIgnoreCase)
                .isPresent();
    }

    /** {@code word} with its variables expanded; empty when one is unset (deja cannot tell what it names). */
    private Optional<String> expanded(String word, Map<String, String> variables) {
        try {
            return Optional.of(new WordExpander(variables, escape).expand(word));
        } catch (RuntimeException unknown) {
            return Optional.empty();
        }
    }

    /**
     * A {@code --from} (of COPY, ADD or a RUN mount) in the last stage: an image it uses, or an earlier stage it
     * needs.
     */
    private void useOrNeed(
            Instruction instruction,
            ImageUse.Kind kind,
            String written,
            Map<String, String> variables,
            List<Stage> stages,
            List<ImageUse> uses) {
        String reference = expandOrFail(instruction, written, variables);
        int stage = stageIndex(reference, stages);
        if (stage < 0) {
            uses.add(new ImageUse(instruction, kind, written, reference));
        } else {
            stages.get(stages.size() - 1).needs().add(stage);
        }
    }

    /** The stage a {@code --from} names, by index or by name; -1 when it names an image. */
    private static int stageIndex(String reference, List<Stage> stages) {
        if (reference.matches("\\d{1,9}") && Integer.parseInt(reference) < stages.size()) {
            return Integer.parseInt(reference);
        }
        return stageNamed(reference, stages);
    }

    /** The index of the stage named {@code name} (the last of that name, as BuildKit takes it), or -1. */
    private static int stageNamed(String name, List<Stage> stages) {
        for (int i = stages.size() - 1; i >= 0; i--) {
            if (stages.get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /** One option of a {@code --mount=type=bind,from=x,source=/a} value. */
    static Optional<String> mountOption(String mount, String key) {
        for (String option : mount.split(",")) {
            int eq = option.indexOf('=');
            if (eq > 0 && option.substring(0, eq).strip().equalsIgnoreCase(key)) {
                return Optional.of(option.substring(eq + 1).strip());
            }
        }
        return Optional.empty();
    }

    private void addSources(
            Instruction instruction, Flags flags, Map<String, String> variables, List<CopySource> sources) {
        List<String> words = flags.rest().startsWith("[")
                ? jsonWords(flags.rest())
                : List.of(flags.rest().split("\\s+"));
        if (words.size() < 2) {
            return;
        }
        boolean add = instruction.is("ADD");
        boolean checksum = flags.value("checksum").isPresent();
        for (String word : words.subList(0, words.size() - 1)) {
            if (word.startsWith("<<")) {
                continue;
            }
            expanded(word, variables)
                    .ifPresent(path ->
                            sources.add(new CopySource(instruction, path, add && isRemoteSource(path), checksum)));
        }
    }

    /**
     * BuildKit's test of a source it fetches itself rather than reads from the context: a URL, or a git repository
     * (for {@code ADD}, and for a build context named in compose or bake).
     */
    public static boolean isRemoteSource(String source) {
        return source.matches("(?i)(https?|git|ssh)://.*") || source.matches("[\\w.-]+@[\\w.-]+:.*");
    }

    /** {@code ["a b", "c", "/dst"]}: the exec form of COPY and ADD. */
    private List<String> jsonWords(String text) {
        List<String> words = new ArrayList<>();
        Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(text);
        while (m.find()) {
            words.add(m.group(1).replaceAll("\\\\(.)", "$1"));
        }
        return words;
    }

    private void declareArg(
            Instruction instruction,
            String declaration,
            Map<String, String> buildArgs,
            Map<String, String> meta,
            Map<String, String> scope) {
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
            throw new InputException(
                    file,
                    instruction.line(),
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
     * The Dockerfile text with image references replaced, line numbers kept (see {@link DockerfileRewriter}).
     *
     * @param arguments   as for {@link #imageUses(Arguments)}
     * @param replacement the new reference for a used image, or empty to leave it
     */
    public String rewrite(Arguments arguments, Function<ImageUse, Optional<String>> replacement) {
        return DockerfileRewriter.rewrite(this, arguments, replacement);
    }

    /** {@link #rewrite(Arguments, Function)} for a build on this machine for its own platform. */
    public String rewrite(Map<String, String> buildArgs, Function<ImageUse, Optional<String>> replacement) {
        return rewrite(Arguments.of(buildArgs), replacement);
    }

    public List<String> lines() {
        return lines;
    }
}
