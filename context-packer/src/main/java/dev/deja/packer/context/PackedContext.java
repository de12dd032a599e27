package dev.deja.packer.context;

import java.util.List;

/**
 * The sorted entries of one build context, the Dockerfile among them, ready to hash or to stream as a tar.
 *
 * @param dockerfile the Dockerfile's path inside the context (what {@code docker buildx build -f} gets)
 */
public record PackedContext(List<ContextEntry> entries, String dockerfile) {

    public PackedContext {
        entries = List.copyOf(entries);
    }

    /** The files of the context (folders and links not counted). */
    public int fileCount() {
        return (int)
                entries.stream().filter(entry -> entry.type() == EntryType.FILE).count();
    }

    public long totalBytes() {
        return entries.stream().mapToLong(ContextEntry::size).sum();
    }
}
