package dev.deja.registry.auth;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A parsed {@code WWW-Authenticate} header: {@code Basic realm="x"} or {@code Bearer realm="x",service="y",scope="z"}. */
record Challenge(String scheme, Map<String, String> parameters) {

    static Challenge parse(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String trimmed = header.strip();
        int space = trimmed.indexOf(' ');
        String scheme = (space < 0 ? trimmed : trimmed.substring(0, space)).toLowerCase(Locale.ROOT);
        Map<String, String> parameters = new LinkedHashMap<>();
        String rest = space < 0 ? "" : trimmed.substring(space + 1);
        int i = 0;
        while (i < rest.length()) {
            while (i < rest.length() && (rest.charAt(i) == ',' || rest.charAt(i) == ' ')) {
                i++;
            }
            int eq = rest.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = rest.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            i = eq + 1;
            String value;
            if (i < rest.length() && rest.charAt(i) == '"') {
                int end = rest.indexOf('"', i + 1);
                end = end < 0 ? rest.length() : end;
                value = rest.substring(i + 1, end);
                i = end + 1;
            } else {
                int end = rest.indexOf(',', i);
                end = end < 0 ? rest.length() : end;
                value = rest.substring(i, end).strip();
                i = end;
            }
            parameters.put(key, value);
        }
        return new Challenge(scheme, Map.copyOf(parameters));
    }

    boolean isBearer() {
        return scheme.equals("bearer");
    }

    boolean isBasic() {
        return scheme.equals("basic");
    }
}
