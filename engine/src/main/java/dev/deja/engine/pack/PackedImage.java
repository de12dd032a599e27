package dev.deja.engine.pack;

import dev.deja.packer.context.PackedContext;
import dev.deja.packer.state.BuildInputs;
import dev.deja.packer.state.EntryDigest;
import dev.deja.packer.state.State;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * An image's context as it will be sent, the other build inputs, and the state they hash to.
 *
 * @param contents       the context's entries and their digests: walked already, or walked when first asked (a
 *                       state known without walking: only a build or an explanation needs them)
 * @param imageContexts  named contexts that are images, as the builder takes them ({@code docker-image://ref}, a
 *                       parent by its exact state)
 * @param folderContexts named contexts that are folders, packed as they are hashed
 */
public record PackedImage(
        String name,
        Contents contents,
        BuildInputs inputs,
        State state,
        Map<String, String> imageContexts,
        Map<String, PackedContext> folderContexts) {

    public PackedImage {
        imageContexts = Collections.unmodifiableMap(new TreeMap<>(imageContexts));
        folderContexts = Collections.unmodifiableMap(new TreeMap<>(folderContexts));
    }

    public PackedContext context() {
        return contents.walked().context();
    }

    /** What the state saw of each context entry (for explaining a state, not for sending). */
    public List<EntryDigest> digests() {
        return contents.walked().digests();
    }

    /** The context's files (folders and links not counted). */
    public int fileCount() {
        return contents.files();
    }

    /** The context's size in bytes. */
    public long totalBytes() {
        return contents.bytes();
    }

    /** A walked context: its entries and what the state saw of each. */
    public record Walked(PackedContext context, List<EntryDigest> digests) {

        public Walked {
            digests = List.copyOf(digests);
        }
    }

    /**
     * The context's entries, walked now or on the first question, and kept for the questions after it if the run's
     * {@link KeptWalks} has room; otherwise each question walks the context again (which must give the same state).
     */
    public static final class Contents {
        private final int files;
        private final long bytes;
        private final Supplier<Walked> walk;
        private final KeptWalks keeping;
        private Walked kept;

        private Contents(int files, long bytes, Walked kept, Supplier<Walked> walk, KeptWalks keeping) {
            this.files = files;
            this.bytes = bytes;
            this.kept = kept;
            this.walk = walk;
            this.keeping = keeping;
        }

        /**
         * Contents walked already, kept when {@code keep}; otherwise {@code again} walks them when asked, kept if
         * {@code keeping} has room then.
         */
        static Contents walked(Walked walked, boolean keep, Supplier<Walked> again, KeptWalks keeping) {
            PackedContext.Size size = walked.context().size();
            return new Contents(size.files(), size.bytes(), keep ? walked : null, again, keeping);
        }

        /** Contents walked for one use (sending), kept as long as they are. */
        public static Contents of(Walked walked) {
            PackedContext.Size size = walked.context().size();
            return new Contents(size.files(), size.bytes(), walked, () -> walked, null);
        }

        /** Contents whose size is known, walked by {@code walk} when first asked, kept if {@code keeping} has room. */
        static Contents later(int files, long bytes, Supplier<Walked> walk, KeptWalks keeping) {
            return new Contents(files, bytes, null, walk, keeping);
        }

        synchronized Walked walked() {
            if (kept != null) {
                return kept;
            }
            Walked walked = walk.get();
            if (keeping.take(walked.context().entries().size())) {
                kept = walked;
            }
            return walked;
        }

        int files() {
            return files;
        }

        long bytes() {
            return bytes;
        }
    }
}
