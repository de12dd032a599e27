package dev.deja.registry.auth;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.CredentialRetriever;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import dev.deja.registry.RegistryException;
import dev.deja.registry.json.JsonTrees;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
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
                    registry, 0, "CREDENTIALS", "cannot read credentials from " + configFile + ": " + reason(e));
        }
    }

    /**
     * Why reading failed, in words but without the exception's own text: a parser's quotes the file, a helper's its
     * output, and either may hold a secret.
     */
    private static String reason(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonProcessingException json) {
                JsonLocation at = json.getLocation();
                return "it is not valid JSON"
                        + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
            }
            if (cause instanceof AccessDeniedException) {
                return "permission denied";
            }
        }
        return e.getClass().getSimpleName();
    }

    /**
     * Whose credentials deja offers the registry, or why none: no config file, a credential helper the file names
     * that is not installed (a config copied from a desktop into CI names {@code desktop}), or no entry for it.
     */
    @Override
    public String describe(String registry) {
        if (configFile == null || !Files.isRegularFile(configFile)) {
            return "deja has no credentials for it: there is no docker config.json"
                    + (configFile == null ? "" : " at " + configFile) + "; docker login " + registry + " writes one";
        }
        String helper;
        try {
            JsonNode config = JsonTrees.read(Files.readAllBytes(configFile));
            helper = config.path("credHelpers")
                    .path(registry)
                    .asText(config.path("credsStore").asText(""));
        } catch (IOException e) {
            return "";
        }
        String program = "docker-credential-" + helper;
        if (!helper.isEmpty() && !onPath(program)) {
            return configFile + " names the credential helper " + program + " for it, which is not installed"
                    + " (on PATH): deja asked without credentials";
        }
        Optional<Credentials> offered;
        try {
            offered = forRegistry(registry);
        } catch (RegistryException e) {
            return e.getMessage();
        }
        if (offered.isPresent()) {
            return "deja offered the credentials of " + offered.get().username() + " from "
                    + (helper.isEmpty() || !helperAnswers(registry, program, offered.get())
                            ? configFile.toString()
                            : program);
        }
        return "deja has no credentials for it in " + (helper.isEmpty() ? configFile.toString() : program)
                + "; docker login " + registry + " stores some";
    }

    /**
     * Whether the helper alone gives {@code offered}: when it has nothing for the registry, Jib takes the file's
     * {@code auths} entry instead, and the refusal must name where the credentials really came from. Asked again
     * only to explain a refusal.
     */
    private boolean helperAnswers(String registry, String program, Credentials offered) {
        try {
            ImageReference reference = ImageReference.parse(registry + "/deja-credential-probe");
            return CredentialRetrieverFactory.forImage(reference, event -> {}, environment)
                    .dockerCredentialHelper(program)
                    .retrieve()
                    .map(c -> c.getUsername().equals(offered.username())
                            && c.getPassword().equals(offered.secret()))
                    .orElse(false);
        } catch (Exception e) {
            return false;
        }
    }

    /** Whether the process's PATH (the one credential helpers are run with) holds an executable {@code program}. */
    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String folder : path.split(java.io.File.pathSeparator)) {
            if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, program))) {
                return true;
            }
        }
        return false;
    }
}
