package dev.deja.packer.state;

/**
 * A state an earlier run computed from the same inputs, with what the plan shows of its context: the state of an
 * image whose files its version control vouches for as a whole, known without walking them.
 *
 * @param files the context's files (folders and links not counted)
 * @param bytes the context's size
 */
public record KnownState(State state, int files, long bytes) {

    // Written out, as State's: a record's own equals is linked on its first call (method handles spun), which cost a
    // run that records its states 10 ms of a cold JVM's CPU.
    @Override
    public boolean equals(Object other) {
        return other instanceof KnownState that
                && state.equals(that.state)
                && files == that.files
                && bytes == that.bytes;
    }

    @Override
    public int hashCode() {
        return (state.hashCode() * 31 + files) * 31 + Long.hashCode(bytes);
    }
}
