package dev.deja.packer.state;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.function.IntUnaryOperator;

/**
 * A section of a loaded cache file's entries, written again as it lies: in a few large writes, in the file's order,
 * without the entries a run replaced. A run that records one file copies the other 50,000 entries without reading
 * them (decoding each one's path or blob id to ask whether it was replaced cost a new commit's run 50 ms of CPU at
 * its end).
 */
final class EntrySection {

    private EntrySection() {}

    /**
     * Writes the entries of {@code content} from {@code from} to {@code to} but those at {@code dropped} (offsets of
     * entries, ascending) and the {@code oldestLeftOut} first of the others.
     *
     * @param entryLength the length of the entry at an offset
     */
    static void writeExcept(
            DataOutputStream out,
            byte[] content,
            int from,
            int to,
            int[] dropped,
            int oldestLeftOut,
            IntUnaryOperator entryLength)
            throws IOException {
        int at = from;
        int next = 0;
        for (int leftOut = oldestLeftOut; leftOut > 0 && at < to; at += entryLength.applyAsInt(at)) {
            if (next < dropped.length && dropped[next] == at) {
                next++;
            } else {
                leftOut--;
            }
        }
        for (; next < dropped.length; next++) {
            out.write(content, at, dropped[next] - at);
            at = dropped[next] + entryLength.applyAsInt(dropped[next]);
        }
        out.write(content, at, to - at);
    }
}
