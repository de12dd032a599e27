package dev.deja.packer.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The leading {@code --name[=value]} flags of an instruction and what follows them. */
record Flags(List<String> tokens, String rest) {

    static Flags parse(String arguments) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        int n = arguments.length();
        while (true) {
            while (i < n && Character.isWhitespace(arguments.charAt(i))) {
                i++;
            }
            if (i + 1 < n && arguments.charAt(i) == '-' && arguments.charAt(i + 1) == '-') {
                int start = i;
                while (i < n && !Character.isWhitespace(arguments.charAt(i))) {
                    i++;
                }
                tokens.add(arguments.substring(start, i));
            } else {
                return new Flags(List.copyOf(tokens), arguments.substring(i).strip());
            }
        }
    }

    Optional<String> value(String name) {
        String prefix = "--" + name + "=";
        for (String token : tokens) {
            if (token.regionMatches(true, 0, prefix, 0, prefix.length())) {
                return Optional.of(token.substring(prefix.length()));
            }
        }
        return Optional.empty();
    }

    /** Every value of a flag that may repeat ({@code --mount}). */
    List<String> values(String name) {
        String prefix = "--" + name + "=";
        return tokens.stream()
                .filter(token -> token.regionMatches(true, 0, prefix, 0, prefix.length()))
                .map(token -> token.substring(prefix.length()))
                .toList();
    }

    /** The flags with each {@code --name=} value passed through {@code change}. */
    Flags mapValues(String name, UnaryOperator<String> change) {
        String prefix = "--" + name + "=";
        List<String> replaced = new ArrayList<>();
        for (String token : tokens) {
            replaced.add(
                    token.regionMatches(true, 0, prefix, 0, prefix.length())
                            ? token.substring(0, prefix.length()) + change.apply(token.substring(prefix.length()))
                            : token);
        }
        return new Flags(List.copyOf(replaced), rest);
    }

    String render() {
        return tokens.isEmpty() ? rest : String.join(" ", tokens) + " " + rest;
    }
}
