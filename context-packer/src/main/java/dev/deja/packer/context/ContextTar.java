package dev.deja.packer.context;

import dev.deja.packer.InputException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.attribute.FileTime;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a packed context as a deterministic tar: entries in order, PAX headers for long and non-ASCII names,
 * mtime 0, uid/gid 0, no user or group names, modes 0644/0755/0777, no atime or ctime. Files are streamed; the
 * context is never held in memory.
 */
public final class ContextTar {

    private static final FileTime EPOCH = FileTime.fromMillis(0);

    private ContextTar() {}

    public static void write(PackedContext context, OutputStream out) throws IOException {
        write(context, out, EPOCH);
    }

    /**
     * The same tar with every entry's mtime {@code modified}: for files copied into a running container, where an
     * incremental build ({@code make}) decides by time what to redo; never for what is hashed or built.
     */
    public static void write(PackedContext context, OutputStream out, FileTime modified) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new NonClosingOutputStream(out), 64 * 1024, "UTF-8");
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        byte[] buffer = new byte[64 * 1024];
        for (ContextEntry entry : context.entries()) {
            TarArchiveEntry header = header(entry, modified);
            tar.putArchiveEntry(header);
            if (entry.type() == EntryType.FILE) {
                long copied = 0;
                try (InputStream in = entry.open()) {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        if (copied + n > entry.size()) {
                            throw new InputException(entry.source(), "file grew while deja was packing it; run again");
                        }
                        tar.write(buffer, 0, n);
                        copied += n;
                    }
                }
                if (copied != entry.size()) {
                    throw new InputException(entry.source(), "file shrank while deja was packing it; run again");
                }
            }
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.close();
        out.flush();
    }

    static TarArchiveEntry header(ContextEntry entry, FileTime modified) {
        TarArchiveEntry header;
        switch (entry.type()) {
            case DIRECTORY:
                header = new TarArchiveEntry(entry.path() + "/", TarConstants.LF_DIR);
                break;
            case SYMLINK:
                header = new TarArchiveEntry(entry.path(), TarConstants.LF_SYMLINK);
                header.setLinkName(entry.linkTarget());
                break;
            default:
                header = new TarArchiveEntry(entry.path(), TarConstants.LF_NORMAL);
                header.setSize(entry.size());
        }
        header.setMode(entry.mode());
        header.setModTime(modified);
        header.setUserId(0);
        header.setGroupId(0);
        header.setUserName("");
        header.setGroupName("");
        return header;
    }

    /** The tar's close must not close stdout or a caller's stream. */
    private static final class NonClosingOutputStream extends FilterOutputStream {
        NonClosingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
