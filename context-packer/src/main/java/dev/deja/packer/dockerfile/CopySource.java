package dev.deja.packer.dockerfile;

import java.util.Locale;

/**
 * A source of a {@code COPY} or {@code ADD} that reads the build context or the network (not {@code --from}, not a
 * heredoc), or of a {@code RUN --mount=type=bind} that reads the context, variables expanded.
 *
 * @param path     the source as BuildKit reads it: context-relative (a leading slash means the context root), or a
 *                 URL / git reference for {@code ADD}
 * @param remote   an {@code ADD} of a URL or git repository: its content comes from the network, not the context
 * @param checksum {@code ADD --checksum=…}: the content is pinned by the Dockerfile itself
 */
public record CopySource(Instruction instruction, String path, boolean remote, boolean checksum) {

    public int line() {
        return instruction.line();
    }

    /** How a message names it: {@code COPY source}, {@code ADD source}, {@code RUN --mount source}. */
    public String kind() {
        String keyword = instruction.keyword().toUpperCase(Locale.ROOT);
        return keyword.equals("RUN") ? "RUN --mount source" : keyword + " source";
    }
}
