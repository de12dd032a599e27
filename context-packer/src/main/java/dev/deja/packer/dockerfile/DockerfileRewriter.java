package dev.deja.packer.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Replaces the image references of a Dockerfile (FROM, COPY/ADD {@code --from}) and leaves every other byte. */
final class DockerfileRewriter {

    private DockerfileRewriter() {}

    /**
     * The Dockerfile text with image references replaced. Line numbers are kept: a rewritten instruction that
     * spanned several lines becomes one line followed by blank ones, so builder errors still point at the right
     * line of the user's file.
     *
     * @param buildArgs   as for {@link Dockerfile#imageUses}
     * @param replacement the new reference for a used image, or empty to leave it
     */
    static String rewrite(
            Dockerfile dockerfile, Map<String, String> buildArgs, Function<ImageUse, Optional<String>> replacement) {
        List<String> out = new ArrayList<>(dockerfile.lines());
        for (ImageUse use : dockerfile.imageUses(buildArgs)) {
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
