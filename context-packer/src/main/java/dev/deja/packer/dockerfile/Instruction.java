package dev.deja.packer.dockerfile;

/**
 * One Dockerfile instruction.
 *
 * @param line      1-based line of the keyword
 * @param endLine   last line of the instruction itself (continuations included, heredoc bodies excluded)
 * @param keyword   the keyword as written (case kept, so a rewrite reads like the original)
 * @param arguments everything after the keyword, continuations joined the way BuildKit joins them
 */
public record Instruction(int line, int endLine, String keyword, String arguments) {

    public boolean is(String name) {
        return keyword.equalsIgnoreCase(name);
    }
}
