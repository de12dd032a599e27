package dev.deja.packer.ignore;

import java.util.regex.Pattern;

/**
 * One cleaned {@code .dockerignore} pattern, matched exactly as moby/patternmatcher matches it (the matcher
 * BuildKit uses): an exact, prefix ({@code foo/**}), suffix ({@code **}{@code /foo}) or regular-expression match
 * against the whole slash-separated path.
 */
record IgnorePattern(String cleaned, boolean exception, Kind kind, Pattern regex) {

    enum Kind {
        EXACT,
        PREFIX,
        SUFFIX,
        REGEX
    }

    private static final String META = ".+()|{}$";

    static IgnorePattern compile(String cleaned, boolean exception) {
        StringBuilder re = new StringBuilder("^");
        Kind kind = Kind.EXACT;
        int n = cleaned.length();
        int i = 0;
        for (int index = 0; i < n; index++) {
            int ch = cleaned.codePointAt(i);
            i += Character.charCount(ch);
            if (ch == '*') {
                if (i < n && cleaned.charAt(i) == '*') {
                    i++;
                    if (i < n && cleaned.charAt(i) == '/') {
                        i++;
                    }
                    if (i >= n) {
                        if (kind == Kind.EXACT) {
                            kind = Kind.PREFIX;
                        } else {
                            re.append(".*");
                            kind = Kind.REGEX;
                        }
                    } else {
                        re.append("(.*/)?");
                        kind = Kind.REGEX;
                    }
                    if (index == 0) {
                        kind = Kind.SUFFIX;
                    }
                } else {
                    re.append("[^/]*");
                    kind = Kind.REGEX;
                }
            } else if (ch == '?') {
                re.append("[^/]");
                kind = Kind.REGEX;
            } else if (ch < 128 && META.indexOf(ch) >= 0) {
                re.append('\\').appendCodePoint(ch);
            } else if (ch == '\\') {
                if (i < n) {
                    int next = cleaned.codePointAt(i);
                    i += Character.charCount(next);
                    re.append('\\').appendCodePoint(next);
                    kind = Kind.REGEX;
                } else {
                    re.append("\\\\");
                }
            } else if (ch == '[' || ch == ']') {
                re.appendCodePoint(ch);
                kind = Kind.REGEX;
            } else {
                re.appendCodePoint(ch);
            }
        }
        Pattern regex = null;
        if (kind == Kind.REGEX) {
            re.append('$');
            regex = Pattern.compile(re.toString(), Pattern.DOTALL);
        }
        return new IgnorePattern(cleaned, exception, kind, regex);
    }

    boolean matches(String path) {
        switch (kind) {
            case EXACT:
                return path.equals(cleaned);
            case PREFIX:
                return path.startsWith(cleaned.substring(0, cleaned.length() - 2));
            case SUFFIX: {
                String suffix = cleaned.substring(2);
                if (path.endsWith(suffix)) {
                    return true;
                }
                return !suffix.isEmpty() && suffix.charAt(0) == '/' && path.equals(suffix.substring(1));
            }
            default:
                return regex.matcher(path).matches();
        }
    }
}
