package dev.deja.registry;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * A token service for the bearer-auth test registry: signs registry JWTs (RS256, x5c chain) with the key
 * scripts/test-env.sh made, grants every requested action, and records each request's scopes.
 */
public final class TokenServer implements AutoCloseable {

    private final HttpServer server;
    private final PrivateKey key;
    private final String certificate;
    private final List<List<String>> requestedScopes = Collections.synchronizedList(new ArrayList<>());
    private final List<String> issued = Collections.synchronizedList(new ArrayList<>());

    public TokenServer(int port, Path keyFile, Path certificateFile) throws Exception {
        String pem =
                Files.readString(keyFile).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        key = KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        X509Certificate cert;
        try (var in = Files.newInputStream(certificateFile)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        certificate = Base64.getEncoder().encodeToString(cert.getEncoded());
        server = bound(port);
        server.createContext("/token", exchange -> {
            List<String> scopes = new ArrayList<>();
            String query = exchange.getRequestURI().getRawQuery();
            for (String pair : query == null ? new String[0] : query.split("&")) {
                String[] kv = pair.split("=", 2);
                if (kv[0].equals("scope") && kv.length == 2) {
                    scopes.add(URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
                }
            }
            requestedScopes.add(scopes);
            String token = sign(scopes);
            issued.add(token);
            byte[] body = ("{\"token\":\"" + token + "\",\"expires_in\":300}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /**
     * A server on the port the test registry sends clients to for tokens. The port is free between tests but for a
     * moment may be the local port of some connection (the test environment picks it below the ephemeral range; an
     * older environment may not have): tried again for a few seconds.
     */
    private static HttpServer bound(int port) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            } catch (java.net.BindException e) {
                if (attempt == 30) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private String sign(List<String> scopes) {
        StringBuilder access = new StringBuilder();
        for (String scope : scopes) {
            String[] parts = scope.split(":");
            if (parts.length < 3) {
                continue;
            }
            String name = String.join(":", Arrays.copyOfRange(parts, 1, parts.length - 1));
            StringBuilder actions = new StringBuilder();
            for (String action : parts[parts.length - 1].split(",")) {
                actions.append(actions.length() > 0 ? "," : "")
                        .append('"')
                        .append(action)
                        .append('"');
            }
            access.append(access.length() > 0 ? "," : "")
                    .append("{\"type\":\"")
                    .append(parts[0])
                    .append("\",\"name\":\"")
                    .append(name)
                    .append("\",\"actions\":[")
                    .append(actions)
                    .append("]}");
        }
        long now = Instant.now().getEpochSecond();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5c\":[\"" + certificate + "\"]}";
        String claims = "{\"iss\":\"deja-test-issuer\",\"sub\":\"deja\",\"aud\":\"deja-test-registry\",\"exp\":"
                + (now + 300) + ",\"nbf\":" + (now - 10) + ",\"iat\":" + now + ",\"jti\":\"" + UUID.randomUUID()
                + "\",\"access\":[" + access + "]}";
        String unsigned =
                b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(unsigned.getBytes(StandardCharsets.US_ASCII));
            return unsigned + "." + b64(signature.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public List<List<String>> requestedScopes() {
        return List.copyOf(requestedScopes);
    }

    public List<String> issuedTokens() {
        return List.copyOf(issued);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
