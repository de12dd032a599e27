package dev.deja.packer.state;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * A list of entries as a state encodes them, made once for every state computed from contexts placed in one walk:
 * such a context holds the walk's own entries but for one or two, and {@link State#compute(List, EncodedEntries,
 * BuildInputs)} copies their encoding instead of encoding each again (for a monorepo's thirty images over its root,
 * thirty times 50,000 entries, whose strings lie all over the heap).
 */
public final class EncodedEntries {

    final EntryDigest[] entries;
    final byte[] bytes;
    /** Where entry {@code i}'s encoding ends in {@link #bytes} (it starts where entry {@code i - 1}'s ends). */
    final int[] ends;

    private EncodedEntries(EntryDigest[] entries, byte[] bytes, int[] ends) {
        this.entries = entries;
        this.bytes = bytes;
        this.ends = ends;
    }

    public static EncodedEntries of(List<EntryDigest> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(entries.size() * 128);
        State.Encoder encoder = State.Encoder.into(out);
        int[] ends = new int[entries.size()];
        for (int i = 0; i < ends.length; i++) {
            encoder.entry(entries.get(i));
            ends[i] = encoder.position();
        }
        encoder.flush();
        return new EncodedEntries(entries.toArray(new EntryDigest[0]), out.toByteArray(), ends);
    }

    int start(int entry) {
        return entry == 0 ? 0 : ends[entry - 1];
    }
}
