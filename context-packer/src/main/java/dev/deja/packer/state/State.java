package dev.deja.packer.state;

import dev.deja.packer.context.ContextCollector;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The content address of one image: SHA-256 over a canonical encoding of exactly what the builder receives.
 * See docs/state.md for the encoding; {@link #FORMAT} changes whenever it does, so old states never collide with
 * new ones.
 *
 * @param digest 64 lower-case hex characters
 */
public record State(String digest) {

    public static final String FORMAT = "deja-state/1";
    /** Tag prefix: names the format, and keeps state tags apart from 40-hex commit tags. */
    public static final String TAG_PREFIX = "s1-";

    public static final int TAG_HEX_LENGTH = 40;

    public State {
        if (!digest.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 hex digest: " + digest);
        }
    }

    // Written out: a record's own equals and hashCode are linked on their first call (method handles spun), which
    // costs a cold JVM ~10 ms of CPU (for the first record class that needs them) on a run's way to its build.
    @Override
    public boolean equals(Object other) {
        return other instanceof State that && digest.equals(that.digest);
    }

    @Override
    public int hashCode() {
        return digest.hashCode();
    }

    /**
     * The registry tag: {@code s1-} and the first 40 hex characters (160 bits) of the digest; 43 characters,
     * valid as an OCI tag ({@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}).
     */
    public String tag() {
        return TAG_PREFIX + digest.substring(0, TAG_HEX_LENGTH);
    }

    public static boolean isStateTag(String tag) {
        return tag.matches(TAG_PREFIX + "[0-9a-f]{" + TAG_HEX_LENGTH + "}");
    }

    public static State compute(List<EntryDigest> entries, BuildInputs inputs) {
        Encoder e = new Encoder();
        e.field(FORMAT);
        e.field("entries");
        e.entries(entries);
        inputs(e, inputs);
        return new State(HexFormat.of().formatHex(e.finish()));
    }

    /**
     * {@link #compute(List, BuildInputs)} of entries most of which are {@code encoded}'s own (the same objects, in its
     * order: a context placed in a walk), their encoding copied from it. The state is the same whatever they share.
     */
    public static State compute(List<EntryDigest> entries, EncodedEntries encoded, BuildInputs inputs) {
        Encoder e = new Encoder();
        e.field(FORMAT);
        e.field("entries");
        e.entries(entries, encoded);
        inputs(e, inputs);
        return new State(HexFormat.of().formatHex(e.finish()));
    }

    /**
     * The key under which a state is remembered when its context's entries are known by a key of their own (see
     * {@code ContextCollector.vouchedKey}): that key, the Dockerfile as sent and every other input of the state,
     * encoded as the state encodes them. It starts with {@link #knownStatePrefix} of the context's key, so that a
     * cache can tell whether it knows any state of those entries before the other inputs are known.
     */
    public static String knownStateKey(String contextKey, byte[] dockerfileSent, BuildInputs inputs) {
        Encoder e = new Encoder();
        e.field(FORMAT + " known by").field(contextKey);
        e.field(HexFormat.of().formatHex(sha256().digest(dockerfileSent)));
        inputs(e, inputs);
        // As long as a digest (caches store it so): 64 bits of the context's key, then 192 of all inputs.
        String prefix = knownStatePrefix(contextKey);
        return prefix + HexFormat.of().formatHex(e.finish()).substring(prefix.length());
    }

    /** What every {@link #knownStateKey} of a context key (hex) starts with. */
    public static String knownStatePrefix(String contextKey) {
        return contextKey.substring(0, 16);
    }

    /** Everything of a state but its entries. */
    private static void inputs(Encoder e, BuildInputs inputs) {
        e.field("dockerfile").field(inputs.dockerfile());
        e.mapping("args", inputs.args());
        e.field("target").field(inputs.target());
        e.field("platforms").number(inputs.platforms().size());
        inputs.platforms().forEach(e::field);
        e.mapping("parents", inputs.parentStates());
        // Sections added after format 1 was published: present only when not empty, so the states of images that
        // use neither stay what they were (the counts before them keep the encoding unambiguous).
        if (!inputs.labels().isEmpty()) {
            e.mapping("labels", inputs.labels());
        }
        if (!inputs.contexts().isEmpty()) {
            e.mapping("contexts", inputs.contexts());
        }
        if (!inputs.bases().isEmpty()) {
            e.mapping("bases", inputs.bases());
        }
    }

    /** A digest of context entries alone: what a folder sent as a named context stands for in a state. */
    public static String entriesDigest(List<EntryDigest> entries) {
        Encoder e = new Encoder();
        e.field("entries");
        e.entries(entries);
        return HexFormat.of().formatHex(e.finish());
    }

    /**
     * Length-prefixed fields ({@code <decimal byte length>:<UTF-8 bytes>}), so no two inputs encode alike;
     * buffered, because a context has hundreds of thousands of small fields.
     */
    public static final class Encoder {
        /** Where the encoding goes: digested, or written out ({@link EncodedEntries}). */
        private final MessageDigest digest;

        private final ByteArrayOutputStream out;
        private final byte[] buffer = new byte[64 * 1024];
        private int used;
        private int flushed;

        public Encoder() {
            this(sha256(), null);
        }

        private Encoder(MessageDigest digest, ByteArrayOutputStream out) {
            this.digest = digest;
            this.out = out;
        }

        /** An encoder that writes its bytes to {@code out} instead of digesting them. */
        static Encoder into(ByteArrayOutputStream out) {
            return new Encoder(null, out);
        }

        /** How many bytes were encoded so far. */
        int position() {
            return flushed + used;
        }

        public Encoder field(String value) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            length(bytes.length);
            put(bytes);
            return this;
        }

        public Encoder number(int value) {
            return field(Integer.toString(value));
        }

        public Encoder flag(boolean value) {
            return field(value ? "1" : "0");
        }

        /** The number of values, then each. */
        public Encoder list(java.util.Collection<String> values) {
            number(values.size());
            values.forEach(this::field);
            return this;
        }

        /**
         * Each entry as five fields: its type's code, its mode in octal, its path, its link's target and its content's
         * digest. Encoded in place (a context has hundreds of thousands of fields: their strings and byte arrays were
         * a fifth of what a cold run allocated), the same bytes as {@link #field} of each.
         */
        void entries(List<EntryDigest> entries) {
            number(entries.size());
            for (EntryDigest entry : entries) {
                // A method per entry: the JIT compiles it after a few hundred calls, while a loop body runs in the
                // interpreter until tens of thousands of turns have passed (a run encodes each context once).
                entry(entry);
            }
        }

        /**
         * {@link #entries(List)}, the encoding of each run of {@code encoded}'s own entries (the same objects, one
         * after the other there) copied from it. Its entries missing here (a Dockerfile replaced) are passed over;
         * those only here (placed) are encoded.
         */
        void entries(List<EntryDigest> entries, EncodedEntries encoded) {
            number(entries.size());
            // Arrays, not lists: this loop runs once per entry of every image placed in a walk.
            EntryDigest[] known = encoded.entries;
            int at = 0;
            int runStart = 0;
            for (EntryDigest entry : entries.toArray(new EntryDigest[0])) {
                if (at < known.length && known[at] == entry) {
                    at++;
                    continue;
                }
                copy(encoded, runStart, at);
                // Both lists are in the context's order: what sorts before this entry there is not here.
                while (at < known.length
                        && known[at] != entry
                        && ContextCollector.compareUtf8(known[at].path(), entry.path()) < 0) {
                    at++;
                }
                runStart = at;
                if (at < known.length && known[at] == entry) {
                    at++;
                } else {
                    entry(entry);
                }
            }
            copy(encoded, runStart, at);
        }

        /** The encoding of {@code encoded}'s entries {@code from} (inclusive) to {@code to} (exclusive). */
        private void copy(EncodedEntries encoded, int from, int to) {
            if (from < to) {
                flush();
                int start = encoded.start(from);
                update(encoded.bytes, start, encoded.ends[to - 1] - start);
            }
        }

        void entry(EntryDigest entry) {
            reserve(2 + 1);
            buffer[used++] = '1';
            buffer[used++] = ':';
            buffer[used++] = (byte) entry.type().code();
            octal(entry.mode());
            field(entry.path());
            field(entry.linkTarget());
            ascii(entry.contentSha256());
        }

        /** A field of a number in octal, as {@link Integer#toOctalString}. */
        private void octal(int value) {
            int digits = Math.max(1, (Integer.SIZE - Integer.numberOfLeadingZeros(value) + 2) / 3);
            length(digits);
            reserve(digits);
            for (int i = digits - 1; i >= 0; i--) {
                buffer[used + i] = (byte) ('0' + (value & 7));
                value >>>= 3;
            }
            used += digits;
        }

        /** A field whose characters are all ASCII (hex digits): each character is its byte. */
        @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int) copies ASCII as one array copy
        private void ascii(String value) {
            int n = value.length();
            if (n > buffer.length / 2) {
                field(value);
                return;
            }
            length(n);
            reserve(n);
            value.getBytes(0, n, buffer, used);
            used += n;
        }

        /** A field's length prefix: its decimal digits and a colon. */
        private void length(int length) {
            int digits = 1;
            for (int rest = length; rest >= 10; rest /= 10) {
                digits++;
            }
            reserve(digits + 1);
            for (int i = digits - 1, rest = length; i >= 0; i--, rest /= 10) {
                buffer[used + i] = (byte) ('0' + rest % 10);
            }
            used += digits;
            buffer[used++] = ':';
        }

        /** Room for {@code bytes} more in the buffer (at most its size). */
        private void reserve(int bytes) {
            if (bytes > buffer.length - used) {
                flush();
            }
        }

        /** A name, the number of pairs, then each key and value. */
        void mapping(String name, Map<String, String> pairs) {
            field(name).number(pairs.size());
            pairs.forEach((key, value) -> field(key).field(value));
        }

        private void put(byte[] bytes) {
            if (bytes.length > buffer.length - used) {
                flush();
                if (bytes.length > buffer.length) {
                    update(bytes, 0, bytes.length);
                    return;
                }
            }
            System.arraycopy(bytes, 0, buffer, used, bytes.length);
            used += bytes.length;
        }

        void flush() {
            update(buffer, 0, used);
            used = 0;
        }

        private void update(byte[] bytes, int offset, int length) {
            if (digest != null) {
                digest.update(bytes, offset, length);
            } else {
                out.write(bytes, offset, length);
            }
            flushed += length;
        }

        public byte[] finish() {
            flush();
            return digest.digest();
        }
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
