package dev.deja.registry;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Tiny images pushed through the client itself: a config blob, a layer blob, a manifest, and indexes of them. */
public final class TestImages {

    public static final String SCHEMA2 = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

    private TestImages() {}

    /** Pushes a one-layer image whose layer holds {@code content}; returns its manifest (not yet tagged). */
    public static Manifest image(RegistryClient client, Repository repository, String content) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                        + "\"diff_ids\":[]},\"deja\":\"" + content + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = content.getBytes(StandardCharsets.UTF_8);
        String configDigest = TestRegistryOps.pushBlob(client, repository, config);
        String layerDigest = TestRegistryOps.pushBlob(client, repository, layer);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + SCHEMA2 + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":"
                + config.length + ",\"digest\":\"" + configDigest + "\"},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":"
                + layer.length + ",\"digest\":\"" + layerDigest + "\"}]}";
        byte[] bytes = manifest.getBytes(StandardCharsets.UTF_8);
        return new Manifest(bytes, SCHEMA2, TestRegistryOps.digest(bytes));
    }

    public static Manifest index(List<Manifest> children) {
        StringBuilder entries = new StringBuilder();
        for (Manifest child : children) {
            if (entries.length() > 0) {
                entries.append(',');
            }
            entries.append("{\"mediaType\":\"")
                    .append(child.mediaType())
                    .append("\",\"size\":")
                    .append(child.content().length)
                    .append(",\"digest\":\"")
                    .append(child.digest())
                    .append("\",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}");
        }
        byte[] bytes = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":[" + entries + "]}")
                .getBytes(StandardCharsets.UTF_8);
        return new Manifest(bytes, OCI_INDEX, TestRegistryOps.digest(bytes));
    }
}
