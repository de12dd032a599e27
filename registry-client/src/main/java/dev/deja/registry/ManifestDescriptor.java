package dev.deja.registry;

/** What a registry says about a manifest without sending it: its digest, media type and size. */
public record ManifestDescriptor(String digest, String mediaType, long size) {}
