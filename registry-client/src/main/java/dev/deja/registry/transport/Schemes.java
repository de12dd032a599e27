package dev.deja.registry.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Set;

/** Which registries are spoken to in plain HTTP: loopback ones, and those named with --insecure-registry. */
public final class Schemes {

    private final Set<String> insecureRegistries;

    public Schemes(Set<String> insecureRegistries) {
        this.insecureRegistries = Set.copyOf(insecureRegistries);
    }

    /** {@code http} or {@code https} for {@code registry} ({@code host[:port]}). */
    public String scheme(String registry) {
        if (insecureRegistries.contains(registry)) {
            return "http";
        }
        String host = registry.replaceFirst(":\\d+$", "").replaceAll("^\\[|\\]$", "");
        if (host.equals("localhost")) {
            return "http";
        }
        try {
            if (host.matches("[0-9.]+|[0-9a-fA-F:]+")
                    && InetAddress.getByName(host).isLoopbackAddress()) {
                return "http";
            }
        } catch (IOException e) {
            return "https";
        }
        return "https";
    }
}
