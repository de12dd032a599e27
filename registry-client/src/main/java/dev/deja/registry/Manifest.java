package dev.deja.registry;

/**
 * A manifest exactly as the registry stores it. The bytes are kept raw: re-serializing would change the digest.
 */
public record Manifest(byte[] content, String mediaType, String digest) {

    public Manifest {
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }
}
