package dev.deja.registry.auth;

import java.util.Map;
import java.util.Optional;

/** Where credentials for a registry come from. */
@FunctionalInterface
public interface CredentialSource {

    Optional<Credentials> forRegistry(String registry);

    static CredentialSource anonymous() {
        return registry -> Optional.empty();
    }

    static CredentialSource of(Map<String, Credentials> byRegistry) {
        Map<String, Credentials> copy = Map.copyOf(byRegistry);
        return registry -> Optional.ofNullable(copy.get(registry));
    }
}
