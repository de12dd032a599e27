package dev.deja.engine.pack;

import dev.deja.packer.context.ContextEntry;
import java.util.List;

/**
 * What a packer tells of an image most likely built while it computes its state: its context is one git vouches for
 * and the digest cache has never seen in a state ({@code ContentHasher.likelyNewState}). A build can then start what
 * does not depend on the state (its cache sources asked, its files copied out) while the files are hashed.
 */
public interface LikelyBuilt {

    /** Told nothing. */
    LikelyBuilt NONE = new LikelyBuilt() {};

    /** {@code image}'s context is new to the digest cache: its walk is about to start. */
    default void contextNew(String image) {}

    /** The entries of that walk, as soon as they are listed, while their files are still being hashed. */
    default void listed(String image, List<ContextEntry> entries) {}
}
