package dev.deja.packer.state;

import java.util.List;
import java.util.Optional;

/**
 * A state an earlier run computed from the same inputs, with what the plan shows of its context: the state of an
 * image whose files its version control vouches for as a whole, known without walking them.
 *
 * @param files   the context's files (folders and links not counted)
 * @param bytes   the context's size
 * @param sources what a check of the Dockerfile's sources against the context found, once one was made: the same
 *                inputs hold the same entries, so it holds as long as the sources checked are the same
 */
public record KnownState(State state, int files, long bytes, Optional<CheckedSources> sources) {

    public KnownState(State state, int files, long bytes) {
        this(state, files, bytes, Optional.empty());
    }

    public KnownState withSources(CheckedSources checked) {
        return new KnownState(state, files, bytes, Optional.of(checked));
    }

    /**
     * The sources a Dockerfile reads from its context, checked against it.
     *
     * @param digest what was checked: the sources, as their check saw them (their own digest, fixed length)
     * @param absent which of them the context lacks, by their order among them
     */
    public record CheckedSources(String digest, List<Integer> absent) {

        public CheckedSources {
            absent = List.copyOf(absent);
        }
    }

    // Written out, as State's: a record's own equals is linked on its first call (method handles spun), which cost a
    // run that records its states 10 ms of a cold JVM's CPU.
    @Override
    public boolean equals(Object other) {
        return other instanceof KnownState that
                && state.equals(that.state)
                && files == that.files
                && bytes == that.bytes
                && sources.equals(that.sources);
    }

    @Override
    public int hashCode() {
        return ((state.hashCode() * 31 + files) * 31 + Long.hashCode(bytes)) * 31 + sources.hashCode();
    }
}
