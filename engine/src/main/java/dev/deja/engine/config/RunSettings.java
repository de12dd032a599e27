package dev.deja.engine.config;

import java.util.List;

/**
 * What an image's {@code RUN} steps see of the machine they run on, as the builder's options set it: the network
 * ({@code --network}), more {@code /etc/hosts} lines ({@code --add-host}), the size of {@code /dev/shm}
 * ({@code --shm-size}), resource limits ({@code --ulimit}) and what they are allowed beyond a sandbox
 * ({@code --allow}: a {@code RUN --network=host} step needs {@code network.host}, a {@code RUN --security=insecure} one
 * {@code security.insecure}). Never part of a state: BuildKit's cache does not key on them either.
 *
 * @param network    {@code default}, {@code host} or {@code none}; "" for the builder's default
 * @param extraHosts {@code name:address} each
 * @param shmSize    bytes, or a number with a unit ({@code 2g}); "" for the builder's default
 * @param ulimits    {@code name=soft[:hard]} each
 * @param entitlements {@code network.host}, {@code security.insecure}: what the build is allowed
 */
public record RunSettings(
        String network, List<String> extraHosts, String shmSize, List<String> ulimits, List<String> entitlements) {

    /** Nothing set: the builder's defaults. */
    public static final RunSettings NONE = new RunSettings("", List.of(), "", List.of(), List.of());

    /** The entitlements a build can be granted, as buildx's {@code --allow} names them. */
    public static final List<String> ENTITLEMENTS = List.of("network.host", "security.insecure");

    public RunSettings {
        network = network == null ? "" : network;
        extraHosts = extraHosts == null ? List.of() : List.copyOf(extraHosts);
        shmSize = shmSize == null ? "" : shmSize;
        ulimits = ulimits == null ? List.of() : List.copyOf(ulimits);
        entitlements = entitlements == null ? List.of() : List.copyOf(entitlements);
    }

    public boolean isEmpty() {
        return network.isEmpty()
                && extraHosts.isEmpty()
                && shmSize.isEmpty()
                && ulimits.isEmpty()
                && entitlements.isEmpty();
    }
}
