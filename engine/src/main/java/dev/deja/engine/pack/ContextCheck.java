package dev.deja.engine.pack;

import dev.deja.packer.context.ContextCollector;
import dev.deja.packer.dockerfile.CopySource;
import dev.deja.packer.state.State;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The wrong-context mistake caught before any build: every COPY/ADD source (and RUN bind-mount source) of a Dockerfile
 * that its packed context does not hold (missing, left out by .dockerignore, or outside the context), with where it
 * is written.
 */
public final class ContextCheck {

    /**
     * A source the builder would not find.
     *
     * @param file   the Dockerfile
     * @param line   the instruction's line
     * @param kind   what reads it ({@code COPY source}, {@code RUN --mount source})
     * @param source the source as written after expansion
     */
    public record Missing(String image, Path file, int line, String kind, String source, String context) {

        public String describe(Path root) {
            Path shown = file.startsWith(root) ? root.relativize(file) : file;
            return shown + ":" + line + ": image '" + image + "': " + kind + " '" + source
                    + "' is not in its context (" + (context.isEmpty() ? "the project root" : context + "/")
                    + "): missing, left out by .dockerignore, or meant for another context";
        }
    }

    private ContextCheck() {}

    /**
     * Which of {@code sources} (by their order) a context with these entries lacks: a source that only a remote URL
     * names is never missing.
     *
     * @param sorted the context's entry paths, ordered as its entries are; asked only when a source is local
     */
    static List<Integer> absent(List<CopySource> sources, Supplier<List<String>> sorted) {
        List<Integer> out = new ArrayList<>();
        for (int at = 0; at < sources.size(); at++) {
            CopySource source = sources.get(at);
            if (!source.remote() && !present(source.path(), sorted.get())) {
                out.add(at);
            }
        }
        return out;
    }

    /**
     * What the check of {@code sources} depends on besides the context's entries, as a digest: the same context and the
     * same digest give the same {@link #absent} sources.
     */
    static String sourcesDigest(List<CopySource> sources) {
        MessageDigest digest = State.sha256();
        for (CopySource source : sources) {
            digest.update((source.remote() ? "remote " : "local ").getBytes(StandardCharsets.UTF_8));
            digest.update(source.path().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Whether a source (a path, maybe with wildcards) names an entry or something below one, among {@code sorted}
     * (ordered as a context's entries are): only the entries that start with the source's part before its first
     * wildcard are looked at, found by binary search (a monorepo's root context has 50,000 of them, asked for every
     * source of every image).
     */
    static boolean present(String source, List<String> sorted) {
        String cleaned = source.replaceAll("^(\\./|/)+", "").replaceAll("/+$", "");
        if (cleaned.isEmpty() || cleaned.equals(".")) {
            return true;
        }
        int wildcard = firstWildcard(cleaned);
        if (wildcard < 0) {
            int at = ContextCollector.firstNotBefore(sorted, path -> path, cleaned);
            if (at < sorted.size() && sorted.get(at).equals(cleaned)) {
                return true;
            }
            int below = ContextCollector.firstNotBefore(sorted, path -> path, cleaned + "/");
            return below < sorted.size() && sorted.get(below).startsWith(cleaned + "/");
        }
        String literal = cleaned.substring(0, wildcard);
        Pattern pattern = Pattern.compile(globToRegex(cleaned) + "(/.*)?");
        for (int at = ContextCollector.firstNotBefore(sorted, path -> path, literal);
                at < sorted.size() && sorted.get(at).startsWith(literal);
                at++) {
            if (pattern.matcher(sorted.get(at)).matches()) {
                return true;
            }
        }
        return false;
    }

    /** Where the first character with a meaning in a glob is ({@code -1}: none, the source is a plain path). */
    private static int firstWildcard(String glob) {
        for (int i = 0; i < glob.length(); i++) {
            if ("*?[\\".indexOf(glob.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Go's filepath.Match syntax, which BuildKit uses for COPY sources: {@code *}, {@code ?}, {@code [...]}; and
     * {@code **} for any depth of folders (zero too), as {@code COPY --parents} and BuildKit's newer frontends take it.
     */
    private static String globToRegex(String glob) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                        boolean folders = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
                        out.append(folders ? "(?:.*/)?" : ".*");
                        i += folders ? 2 : 1;
                    } else {
                        out.append("[^/]*");
                    }
                }
                case '?' -> out.append("[^/]");
                case '[' -> {
                    int close = glob.indexOf(']', i + 1);
                    if (close < 0) {
                        out.append("\\[");
                    } else {
                        String set = glob.substring(i + 1, close);
                        out.append('[')
                                .append(set.startsWith("^") ? "^" + set.substring(1) : set)
                                .append(']');
                        i = close;
                    }
                }
                case '\\' -> {
                    if (i + 1 < glob.length()) {
                        out.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
                    }
                }
                default -> out.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return out.toString();
    }
}
