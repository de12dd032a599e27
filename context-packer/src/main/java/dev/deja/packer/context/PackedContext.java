package dev.deja.packer.context;

import java.util.List;

/**
 * The sorted entries of one build context, the Dockerfile among them, ready to hash or to stream as a tar.
 *
 * @param dockerfile        the Dockerfile's path inside the context (what {@code docker buildx build -f} gets)
 * @param dockerfileOutside the Dockerfile lies outside the context folder: it is hashed at its repository path,
 *                          and sent apart from the context, as BuildKit does (so {@code COPY .} does not see it)
 */
public record PackedContext(List<ContextEntry> entries, String dockerfile, boolean dockerfileOutside) {

    public PackedContext {
        entries = List.copyOf(entries);
    }

    /** A context whose Dockerfile, if any, lies inside it. */
    public PackedContext(List<ContextEntry> entries, String dockerfile) {
        this(entries, dockerfile, false);
    }

    /** This context with its Dockerfile sent apart (one that is not a file of the context: written in a config). */
    public PackedContext withDockerfileApart() {
        return new PackedContext(entries, dockerfile, true);
    }

    /**
     * The entries a builder gets as the context when the Dockerfile is sent apart: without the Dockerfile and the
     * folders that are only there to hold it.
     */
    public List<ContextEntry> entriesWithoutDockerfile() {
        return entries.stream()
                .filter(entry -> !entry.path().equals(dockerfile))
                .filter(entry -> entry.type() != EntryType.DIRECTORY
                        || !dockerfile.startsWith(entry.path() + "/")
                        || entries.stream()
                                .anyMatch(other -> other.path().startsWith(entry.path() + "/")
                                        && !other.path().equals(dockerfile)
                                        && !dockerfile.startsWith(other.path() + "/")))
                .toList();
    }

    /**
     * How much the context holds.
     *
     * @param files its files (folders and links not counted)
     * @param bytes their size
     */
    public record Size(int files, long bytes) {}

    /** One pass over the entries: a root context has 50,000 of them, for every image placed in it. */
    public Size size() {
        int files = 0;
        long bytes = 0;
        for (ContextEntry entry : entries) {
            files += entry.type() == EntryType.FILE ? 1 : 0;
            bytes += entry.size();
        }
        return new Size(files, bytes);
    }
}
