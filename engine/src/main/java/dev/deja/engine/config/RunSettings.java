package dev.deja.engine.config;

import java.util.List;

/**
 * What an image's {@code RUN} steps see of the machine they run on, as the builder's options set it: the network
 * ({@code --network}), more {@code /etc/hosts} lines ({@code --add-host}), the size of {@code /dev/shm}
 * ({@code --shm-size}) and resource limits ({@code --ulimit}). Never part of a state: BuildKit's cache does not key on
 * them either.
 *
 * @param network    {@code default}, {@code host} or {@code none}; "" for the builder's default
 * @param extraHosts {@code name:address} each
 * @param shmSize    bytes, or a number with a unit ({@code 2g}); "" for the builder's default
 * @param ulimits    {@code name=soft[:hard]} each
 */
public record RunSettings(String network, List<String> extraHosts, String shmSize, List<String> ulimits) {

    /** Nothing set: the builder's defaults. */
    public static final RunSettings NONE = new RunSettings("", List.of(), "", List.of());

    public RunSettings {
        network = network == null ? "" : network;
        extraHosts = extraHosts == null ? List.of() : List.copyOf(extraHosts);
        shmSize = shmSize == null ? "" : shmSize;
        ulimits = ulimits == null ? List.of() : List.copyOf(ulimits);
    }

    public boolean isEmpty() {
        return network.isEmpty() && extraHosts.isEmpty() && shmSize.isEmpty() && ulimits.isEmpty();
    }
}
