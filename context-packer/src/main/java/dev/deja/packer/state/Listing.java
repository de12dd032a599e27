package dev.deja.packer.state;

import java.util.List;

/**
 * What a version control system knows lies at and under a folder of the project ({@link Vouching#listing}), so that a
 * walk need not read every folder and stat every file: the regular files it vouches for, each with the stamp and blob
 * it recorded, and everything else it knows of there, for the walk to look at on disk.
 */
public interface Listing {

    /** How many regular files it vouches for, in the order of their paths' bytes. */
    int files();

    /** File {@code file}'s path from the project root. */
    String path(int file);

    /** Whether file {@code file} is recorded executable. */
    boolean executable(int file);

    /**
     * What the system recorded of file {@code file}'s stat data, as the file has it now (the system checked): 32 bits
     * of each field where the system keeps no more (see {@link FileStamp#isAsRecorded}), so its size is the file's
     * only below 4 GiB.
     */
    FileStamp stamp(int file);

    /** File {@code file}'s blob. */
    BlobKey blob(int file);

    /**
     * Paths from the project root of everything else it knows lies there, or lay there: untracked files, and
     * untracked folders (ending in {@code /}, whose whole content is untracked: walked), tracked entries it does not
     * vouch for (modified, deleted, converted on checkout, in conflict), symlinks and submodules. Each is looked at
     * on disk as a walk would.
     */
    List<String> toLookAt();
}
