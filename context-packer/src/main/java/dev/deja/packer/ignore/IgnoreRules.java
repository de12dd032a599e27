package dev.deja.packer.ignore;

import dev.deja.packer.InputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * The exclusion rules of one context, with BuildKit's semantics: patterns apply in order, a later {@code !}
 * exception re-includes what an earlier pattern excluded, and a pattern that matches a parent folder matches
 * everything below it.
 */
public final class IgnoreRules {

    private final List<IgnorePattern> patterns;
    private final boolean hasExceptions;

    private IgnoreRules(List<IgnorePattern> patterns) {
        this.patterns = List.copyOf(patterns);
        this.hasExceptions = patterns.stream().anyMatch(IgnorePattern::exception);
    }

    public static IgnoreRules none() {
        return new IgnoreRules(List.of());
    }

    /**
     * Reads a {@code .dockerignore}: {@code #} comments at the start of a line, surrounding white space trimmed,
     * paths cleaned like Go's {@code filepath.Clean}, one leading {@code /} dropped.
     *
     * @param source the file, for error messages
     */
    public static IgnoreRules parse(Path source, String content) {
        List<String> lines = new ArrayList<>();
        if (content.startsWith("\uFEFF")) {
            content = content.substring(1);
        }
        for (String line : content.split("\r?\n", -1)) {
            lines.add(line);
        }
        return fromLines(source, lines, true);
    }

    /** Patterns given one per element, read like the lines of a {@code .dockerignore} (for config excludes). */
    public static IgnoreRules of(List<String> patterns) {
        return fromLines(null, patterns, false);
    }

    /** These rules followed by {@code more}: a later pattern, or exception, wins as in one file. */
    public IgnoreRules then(IgnoreRules more) {
        List<IgnorePattern> all = new ArrayList<>(patterns);
        all.addAll(more.patterns);
        return new IgnoreRules(all);
    }

    private static IgnoreRules fromLines(Path source, List<String> lines, boolean comments) {
        List<IgnorePattern> patterns = new ArrayList<>();
        int lineNumber = 0;
        for (String line : lines) {
            lineNumber++;
            if (comments && line.startsWith("#")) {
                continue;
            }
            String pattern = line.strip();
            if (pattern.isEmpty()) {
                continue;
            }
            boolean exception = pattern.charAt(0) == '!';
            if (exception) {
                pattern = pattern.substring(1).strip();
                if (pattern.isEmpty()) {
                    throw new InputException(source, lineNumber, "illegal exclusion pattern: \"!\"");
                }
            }
            pattern = GoPaths.clean(pattern);
            if (pattern.length() > 1 && pattern.charAt(0) == '/') {
                pattern = pattern.substring(1);
            }
            try {
                patterns.add(IgnorePattern.compile(pattern, exception));
            } catch (PatternSyntaxException e) {
                throw new InputException(source, lineNumber, "invalid pattern '" + line.strip() + "'");
            }
        }
        return new IgnoreRules(patterns);
    }

    /** The rules as text, one pattern per element ({@code !} before an exception): equal texts, equal rules. */
    public List<String> text() {
        return patterns.stream()
                .map(pattern -> (pattern.exception() ? "!" : " ") + pattern.cleaned())
                .toList();
    }

    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    /** Whether a slash-separated context path is excluded (moby's MatchesOrParentMatches). */
    public boolean excludes(String path) {
        if (patterns.isEmpty()) {
            return false;
        }
        boolean matched = false;
        int lastSlash = path.lastIndexOf('/');
        String[] parents =
                lastSlash < 0 ? new String[0] : path.substring(0, lastSlash).split("/");
        for (IgnorePattern pattern : patterns) {
            if (pattern.exception() != matched) {
                continue;
            }
            boolean match = pattern.matches(path);
            if (!match && parents.length > 0) {
                StringBuilder parent = new StringBuilder();
                for (String segment : parents) {
                    if (parent.length() > 0) {
                        parent.append('/');
                    }
                    parent.append(segment);
                    if (pattern.matches(parent.toString())) {
                        match = true;
                        break;
                    }
                }
            }
            if (match) {
                matched = !pattern.exception();
            }
        }
        return matched;
    }

    /**
     * Whether an excluded folder must still be walked because an exception might re-include something below it.
     * Conservative: answers true unless no exception pattern can reach below {@code dir}.
     */
    public boolean mayReincludeBelow(String dir) {
        if (!hasExceptions) {
            return false;
        }
        String[] dirSegments = dir.split("/");
        for (IgnorePattern pattern : patterns) {
            if (pattern.exception() && couldMatchBelow(pattern.cleaned().split("/"), dirSegments)) {
                return true;
            }
        }
        return false;
    }

    private static boolean couldMatchBelow(String[] patternSegments, String[] dirSegments) {
        for (int k = 0; k < patternSegments.length; k++) {
            String segment = patternSegments[k];
            if (segment.contains("**")) {
                return true;
            }
            if (k >= dirSegments.length) {
                return true;
            }
            if (!IgnorePattern.compile(segment, false).matches(dirSegments[k])) {
                return false;
            }
        }
        return false;
    }
}
