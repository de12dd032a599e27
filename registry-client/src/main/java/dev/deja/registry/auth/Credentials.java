package dev.deja.registry.auth;

/** A user name and secret for one registry (the secret is never printed). */
public record Credentials(String username, String secret) {

    @Override
    public String toString() {
        return "Credentials[" + username + ", ***]";
    }
}
