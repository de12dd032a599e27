package dev.deja.engine.pack;

import dev.deja.packer.context.PackedContext;
import dev.deja.packer.state.BuildInputs;
import dev.deja.packer.state.EntryDigest;
import dev.deja.packer.state.State;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An image's context as it will be sent, the other build inputs, and the state they hash to.
 *
 * @param imageContexts  named contexts that are images, as the builder takes them ({@code docker-image://ref}, a
 *                       parent by its exact state)
 * @param folderContexts named contexts that are folders, packed as they are hashed
 * @param digests        what the state saw of each context entry (for explaining a state, not for sending)
 */
public record PackedImage(
        String name,
        PackedContext context,
        BuildInputs inputs,
        State state,
        Map<String, String> imageContexts,
        Map<String, PackedContext> folderContexts,
        List<EntryDigest> digests) {

    public PackedImage {
        digests = List.copyOf(digests);
        imageContexts = Collections.unmodifiableMap(new TreeMap<>(imageContexts));
        folderContexts = Collections.unmodifiableMap(new TreeMap<>(folderContexts));
    }
}
