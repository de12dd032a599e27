package dev.deja.packer.context;

import dev.deja.packer.state.ContentHasher;
import dev.deja.packer.state.EntryDigest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Reads a context tar back into the entries the state is computed from: the independent check of "hashed = sent". */
public final class TarDigests {

    private TarDigests() {}

    public static List<EntryDigest> read(byte[] tar) {
        List<EntryDigest> out = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar), "UTF-8")) {
            for (TarArchiveEntry entry; (entry = in.getNextEntry()) != null; ) {
                String name = entry.getName().endsWith("/")
                        ? entry.getName().substring(0, entry.getName().length() - 1)
                        : entry.getName();
                if (entry.isDirectory()) {
                    out.add(new EntryDigest(name, EntryType.DIRECTORY, entry.getMode() & 07777, "", ""));
                } else if (entry.isSymbolicLink()) {
                    out.add(new EntryDigest(name, EntryType.SYMLINK, entry.getMode() & 07777, entry.getLinkName(), ""));
                } else {
                    out.add(new EntryDigest(
                            name, EntryType.FILE, entry.getMode() & 07777, "", ContentHasher.sha256Hex(in)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    public static List<TarArchiveEntry> headers(byte[] tar) {
        List<TarArchiveEntry> out = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar), "UTF-8")) {
            for (TarArchiveEntry entry; (entry = in.getNextEntry()) != null; ) {
                out.add(entry);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
