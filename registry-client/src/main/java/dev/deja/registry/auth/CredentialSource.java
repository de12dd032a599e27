package dev.deja.registry.auth;

import java.util.Map;
import java.util.Optional;

/** Where credentials for a registry come from. */
@FunctionalInterface
public interface CredentialSource {

    Optional<Credentials> forRegistry(String registry);

    /**
     * What this source has for the registry, in words, for the message of a refusal: whose credentials were offered,
     * or why there were none. Never a secret.
     */
    default String describe(String registry) {
        return "";
    }

    static CredentialSource anonymous() {
        return registry -> Optional.empty();
    }

    static CredentialSource of(Map<String, Credentials> byRegistry) {
        Map<String, Credentials> copy = Map.copyOf(byRegistry);
        return registry -> Optional.ofNullable(copy.get(registry));
    }
}
