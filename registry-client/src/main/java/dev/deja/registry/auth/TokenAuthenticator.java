package dev.deja.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deja.registry.RegistryException;
import dev.deja.registry.json.JsonTrees;
import dev.deja.registry.transport.Exchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Call;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Answers 401 challenges: Basic with the registry's credentials, Bearer through the token service (anonymous,
 * Basic, or the OAuth2 refresh-token flow for identity tokens). Keeps one authorization per registry and scope
 * until it expires; a token is renewed a little early. Never puts a credential or token in a message.
 */
public final class TokenAuthenticator implements Exchange.Authorizer {

    /** The user name docker config credentials carry when the secret is an identity token (Jib's convention). */
    public static final String IDENTITY_TOKEN_USER = "<token>";

    private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);

    private record Authorization(String header, Instant expires) {
        boolean valid() {
            return expires == null || Instant.now().isBefore(expires);
        }
    }

    private final Call.Factory http;
    private final CredentialSource credentials;
    private final Map<String, Authorization> authorizations = new ConcurrentHashMap<>();

    public TokenAuthenticator(Call.Factory http, CredentialSource credentials) {
        this.http = http;
        this.credentials = credentials;
    }

    @Override
    public String header(String registry, String scope) {
        Authorization authorization = authorizations.get(registry + " " + scope);
        return authorization != null && authorization.valid() ? authorization.header() : null;
    }

    @Override
    public String offered(String registry) {
        return credentials.describe(registry);
    }

    @Override
    public void challenged(String registry, String scope, String header) {
        Challenge challenge = Challenge.parse(header);
        Optional<Credentials> credential = credentials.forRegistry(registry);
        if (challenge == null) {
            return;
        }
        if (challenge.isBasic()) {
            credential.ifPresent(c -> authorizations.put(registry + " " + scope, new Authorization(basic(c), null)));
            return;
        }
        if (!challenge.isBearer() || challenge.parameters().get("realm") == null) {
            return;
        }
        Request request = tokenRequest(challenge, scope, credential);
        try (Response response = http.newCall(request).execute()) {
            ResponseBody body = response.body();
            byte[] bytes = body == null ? new byte[0] : body.bytes();
            if (!response.isSuccessful()) {
                throw new RegistryException(
                        registry,
                        response.code(),
                        "TOKEN",
                        "the token service refused "
                                + (credential.isPresent()
                                        ? "the credentials of "
                                                + credential.get().username()
                                        : "anonymous access")
                                + " for " + scope
                                + (credential.isPresent() ? "" : describedOrEmpty(registry)));
            }
            JsonNode node = JsonTrees.read(bytes);
            String token = node.path("token").asText(node.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw new RegistryException(registry, response.code(), "TOKEN", "the token service sent no token");
            }
            long lifetime = node.path("expires_in").asLong(DEFAULT_TOKEN_LIFETIME.getSeconds());
            // Renew a little early, so a token does not expire between check and use.
            Instant expires = Instant.now().plusSeconds(Math.max(1, lifetime - Math.min(10, lifetime / 10)));
            authorizations.put(registry + " " + scope, new Authorization("Bearer " + token, expires));
        } catch (IOException e) {
            throw new RegistryException(registry, "cannot reach the token service of " + registry, e);
        }
    }

    private String describedOrEmpty(String registry) {
        String described = credentials.describe(registry);
        return described.isEmpty() ? "" : " (" + described + ")";
    }

    private static Request tokenRequest(Challenge challenge, String scope, Optional<Credentials> credential) {
        String realm = challenge.parameters().get("realm");
        String service = challenge.parameters().get("service");
        if (credential.isPresent()
                && IDENTITY_TOKEN_USER.equals(credential.get().username())) {
            // docker login stored an identity (refresh) token: exchange it by the OAuth2 POST flow.
            FormBody.Builder form = new FormBody.Builder()
                    .add("grant_type", "refresh_token")
                    .add("refresh_token", credential.get().secret())
                    .add("client_id", "deja");
            if (service != null) {
                form.add("service", service);
            }
            form.add("scope", scope);
            return new Request.Builder()
                    .url(realm)
                    .post(form.build())
                    .header("User-Agent", "deja")
                    .build();
        }
        HttpUrl.Builder tokenUrl = HttpUrl.get(realm).newBuilder();
        if (service != null) {
            tokenUrl.addQueryParameter("service", service);
        }
        for (String oneScope : scope.split(" ")) {
            tokenUrl.addQueryParameter("scope", oneScope);
        }
        Request.Builder request = new Request.Builder().url(tokenUrl.build()).header("User-Agent", "deja");
        credential.ifPresent(c -> request.header("Authorization", basic(c)));
        return request.build();
    }

    private static String basic(Credentials c) {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString((c.username() + ":" + c.secret()).getBytes(StandardCharsets.UTF_8));
    }
}
