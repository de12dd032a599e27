package dev.deja.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.CredentialRetriever;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import dev.deja.registry.RegistryException;
import dev.deja.registry.json.JsonTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials from the docker CLI's {@code config.json} ({@code auths}, {@code credsStore}, {@code credHelpers}),
 * read by Jib from {@code $DOCKER_CONFIG/config.json} or {@code $HOME/.docker/config.json}. Anonymous when nothing
 * matches (or when the environment names neither folder). Credential helpers ({@code docker-credential-<name>}) run with deja's own process environment, as the
 * docker CLI runs them: the environment given here chooses the config file only.
 */
public final class DockerConfigCredentials implements CredentialSource {

    private final Path configFile;
    private final Map<String, String> environment;

    public DockerConfigCredentials(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        String dockerConfig = environment.get("DOCKER_CONFIG");
        String home = environment.getOrDefault("HOME", "");
        this.configFile = dockerConfig != null && !dockerConfig.isBlank()
                ? Path.of(dockerConfig, "config.json")
                : home.isBlank() ? null : Path.of(home, ".docker", "config.json");
    }

    /**
     * {@code auths.<registry>.identitytoken}, which {@code docker login} stores for OAuth2 registries and Jib does
     * not read: returned with the user name {@code <token>}, the docker-credential-helpers convention.
     */
    private Optional<Credentials> identityToken(String registry) throws IOException {
        if (!Files.isRegularFile(configFile)) {
            return Optional.empty();
        }
        JsonNode auths = JsonTrees.read(Files.readAllBytes(configFile)).path("auths");
        for (String key : List.of(registry, "https://" + registry, "http://" + registry)) {
            String token = auths.path(key).path("identitytoken").asText("");
            if (!token.isEmpty()) {
                return Optional.of(new Credentials(TokenAuthenticator.IDENTITY_TOKEN_USER, token));
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<Credentials> forRegistry(String registry) {
        if (configFile == null) {
            return Optional.empty();
        }
        try {
            ImageReference reference = ImageReference.parse(registry + "/deja-credential-probe");
            CredentialRetriever retriever = CredentialRetrieverFactory.forImage(reference, event -> {}, environment)
                    .dockerConfig(configFile);
            Optional<Credential> credential = retriever.retrieve();
            if (credential.isPresent()) {
                return credential.map(c -> new Credentials(c.getUsername(), c.getPassword()));
            }
            return identityToken(registry);
        } catch (InvalidImageReferenceException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw new RegistryException(
                    registry,
                    0,
                    "CREDENTIALS",
                    "cannot read credentials from " + configFile + ": "
                            + e.getClass().getSimpleName());
        }
    }
}
