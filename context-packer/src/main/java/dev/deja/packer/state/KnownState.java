package dev.deja.packer.state;

/**
 * A state an earlier run computed from the same inputs, with what the plan shows of its context: the state of an
 * image whose files its version control vouches for as a whole, known without walking them.
 *
 * @param files the context's files (folders and links not counted)
 * @param bytes the context's size
 */
public record KnownState(State state, int files, long bytes) {}
