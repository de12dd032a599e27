package dev.deja.packer.dockerfile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Replaces the image references of a Dockerfile (FROM, COPY/ADD {@code --from}, RUN {@code --mount=from=}) and
 * leaves every other byte.
 */
final class DockerfileRewriter {

    private DockerfileRewriter() {}

    /**
     * The Dockerfile text with image references replaced. Line numbers are kept: a rewritten instruction that
     * spanned several lines becomes one line followed by blank ones, so builder errors still point at the right
     * line of the user's file.
     *
     * @param arguments   as for {@link Dockerfile#imageUses}
     * @param replacement the new reference for a used image, or empty to leave it
     */
    static String rewrite(
            Dockerfile dockerfile, Arguments arguments, Function<ImageUse, Optional<String>> replacement) {
        // One RUN may mount several images: every replacement of an instruction is applied to one text.
        Map<Instruction, Map<String, String>> byInstruction = new LinkedHashMap<>();
        for (ImageUse use : dockerfile.imageUses(arguments)) {
            replacement.apply(use).ifPresent(replaced -> byInstruction
                    .computeIfAbsent(use.instruction(), i -> new LinkedHashMap<>())
                    .put(use.written(), replaced));
        }
        List<String> out = new ArrayList<>(dockerfile.lines());
        byInstruction.forEach((instruction, replaced) -> {
            Flags flags = Flags.parse(instruction.arguments());
            String text;
            if (instruction.is("FROM")) {
                String[] words = flags.rest().split("\\s+");
                words[0] = replaced.getOrDefault(words[0], words[0]);
                text = new Flags(flags.tokens(), String.join(" ", words)).render();
            } else if (instruction.is("RUN")) {
                text = flags.mapValues("mount", mount -> replaceMountFrom(mount, replaced))
                        .render();
            } else {
                text = flags.mapValues("from", from -> replaced.getOrDefault(from, from))
                        .render();
            }
            out.set(instruction.line() - 1, instruction.keyword() + " " + text);
            for (int k = instruction.line(); k < instruction.endLine(); k++) {
                out.set(k, "");
            }
        });
        return String.join("\n", out);
    }

    private static String replaceMountFrom(String mount, Map<String, String> replaced) {
        List<String> options = new ArrayList<>();
        for (String option : mount.split(",", -1)) {
            int eq = option.indexOf('=');
            if (eq > 0 && option.substring(0, eq).strip().equalsIgnoreCase("from")) {
                String from = option.substring(eq + 1).strip();
                option = option.substring(0, eq + 1) + replaced.getOrDefault(from, from);
            }
            options.add(option);
        }
        return String.join(",", options);
    }
}
