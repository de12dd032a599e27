package dev.deja.packer.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A section written again as it lies, without the entries dropped and the oldest left out. */
class EntrySectionTest {

    /** Entries of one length byte and that many letters, after a header that is not copied: "@@|ab|c|def|gh|i". */
    private static final byte[] CONTENT = withHeader("@@", "ab", "c", "def", "gh", "i");

    private static final int[] OFFSETS = {2, 5, 7, 11, 14};

    @Test
    void theEntriesAreWrittenInTheirOrderButThoseDroppedAndTheOldestLeftOut() throws IOException {
        assertThat(written(new int[0], 0)).isEqualTo(bytes("ab", "c", "def", "gh", "i"));
        assertThat(written(new int[] {OFFSETS[1], OFFSETS[4]}, 0)).isEqualTo(bytes("ab", "def", "gh"));
        assertThat(written(new int[] {OFFSETS[0]}, 0)).isEqualTo(bytes("c", "def", "gh", "i"));
        assertThat(written(new int[0], 2)).isEqualTo(bytes("def", "gh", "i"));
        assertThat(written(new int[] {OFFSETS[0], OFFSETS[3]}, 2))
                .as("a dropped entry is not one of the oldest left out")
                .isEqualTo(bytes("i"));
        assertThat(written(new int[] {OFFSETS[4]}, 9)).isEmpty();
    }

    private static byte[] written(int[] dropped, int oldestLeftOut) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EntrySection.writeExcept(
                new DataOutputStream(bytes), CONTENT, 2, CONTENT.length, dropped, oldestLeftOut, at -> 1 + CONTENT[at]);
        return bytes.toByteArray();
    }

    /** The header as it is, then each word as an entry. */
    private static byte[] withHeader(String header, String... entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        for (String entry : entries) {
            out.write(entry.length());
            out.writeBytes(entry.getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    private static byte[] bytes(String... entries) {
        return withHeader("", entries);
    }
}
