package dev.deja.packer.dockerfile;

/**
 * A place where a Dockerfile uses an image (not one of its own stages).
 *
 * @param instruction the FROM, COPY/ADD or RUN instruction
 * @param kind        how the image is used
 * @param written     the reference as written, variables unexpanded
 * @param reference   the reference after ARG substitution
 */
public record ImageUse(Instruction instruction, Kind kind, String written, String reference) {

    public enum Kind {
        FROM("FROM"),
        COPY_FROM("--from"),
        MOUNT_FROM("--mount=from");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public int line() {
        return instruction.line();
    }
}
