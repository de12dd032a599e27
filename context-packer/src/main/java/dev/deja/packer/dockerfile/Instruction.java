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

    // Written out: a record's own equals and hashCode are linked on their first call (method handles spun), and the
    // graph's first use of an instruction as a key cost the main thread 11 ms of a cold JVM's CPU before any build.
    @Override
    public boolean equals(Object other) {
        return other instanceof Instruction that
                && line == that.line
                && endLine == that.endLine
                && keyword.equals(that.keyword)
                && arguments.equals(that.arguments);
    }

    @Override
    public int hashCode() {
        return ((line * 31 + endLine) * 31 + keyword.hashCode()) * 31 + arguments.hashCode();
    }
}
