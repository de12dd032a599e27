package dev.deja.engine.why;

import dev.deja.packer.state.EntryDigest;
import dev.deja.packer.state.State;
import java.util.List;
import java.util.Optional;

/**
 * One state of an image as far as it is known: its summary, and its entries when the files of then could be read
 * (the working tree now, or a commit's tree).
 *
 * @param where      what it is ({@code registry.example.com/acme/api:main}, {@code revision 1a2b3c4}, {@code now})
 * @param dockerfile the Dockerfile's path in the context (its entry is compared as written, not as packed)
 * @param note       what could not be known about it ("" when all)
 */
public record Snapshot(
        String where, StateSummary summary, Optional<List<EntryDigest>> entries, String dockerfile, String note) {

    /** Its state tag, "" when its state is not known. */
    public String stateTag() {
        return summary.state().isEmpty() ? "" : new State(summary.state()).tag();
    }
}
