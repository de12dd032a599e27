package dev.deja.engine.pack;

import dev.deja.packer.Lazy;
import dev.deja.packer.context.PackedContext;
import dev.deja.packer.state.BuildInputs;
import dev.deja.packer.state.ContentHasher;
import dev.deja.packer.state.EntryDigest;
import dev.deja.packer.state.State;
import java.util.ArrayList;
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

        /** The same walk with the Dockerfile as sent holding {@code content} (walked before it was known). */
        public Walked withDockerfile(byte[] content) {
            PackedContext replaced = context.withDockerfileContent(content);
            int at = replaced.dockerfileIndex();
            List<EntryDigest> rehashed = new ArrayList<>(digests);
            rehashed.set(at, ContentHasher.generatedDigest(replaced.entries().get(at)));
            return new Walked(replaced, rehashed);
        }
    }

    /** The context's entries, walked now or on the first question. */
    public static final class Contents {
        private final int files;
        private final long bytes;
        private final Supplier<Walked> walked;

        private Contents(int files, long bytes, Supplier<Walked> walked) {
            this.files = files;
            this.bytes = bytes;
            this.walked = walked;
        }

        public static Contents of(Walked walked) {
            return new Contents(walked.context().fileCount(), walked.context().totalBytes(), () -> walked);
        }

        /** Contents whose size is known, walked by {@code walk} when first asked. */
        public static Contents later(int files, long bytes, Supplier<Walked> walk) {
            return new Contents(files, bytes, Lazy.of(walk));
        }

        Walked walked() {
            return walked.get();
        }

        int files() {
            return files;
        }

        long bytes() {
            return bytes;
        }
    }
}
