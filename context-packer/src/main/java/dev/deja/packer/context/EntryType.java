package dev.deja.packer.context;

/** The kinds of entry a context holds; anything else on disk (sockets, devices) is refused. */
public enum EntryType {
    FILE('f'),
    DIRECTORY('d'),
    SYMLINK('l');

    private final char code;

    EntryType(char code) {
        this.code = code;
    }

    /** The one-letter code used in the state encoding. */
    public char code() {
        return code;
    }
}
