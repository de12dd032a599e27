import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A registry that holds every image: the partner of the run that makes deja's class-data archive (make-runtime.sh),
 * so that the archive also holds what a CI run of deja loads when every image is reused (HEAD, GET and PUT of
 * manifests, a config's labels). Every manifest is one small image; every blob is its config; every PUT is taken.
 * Run by the JDK's source launcher, never shipped: {@code java TrainingRegistry.java PORT READY-FILE} (the file is
 * written once it listens).
 */
public final class TrainingRegistry {

    private static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    private static final byte[] CONFIG = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
            .getBytes(StandardCharsets.UTF_8);

    public static void main(String[] args) throws Exception {
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST_TYPE + "\",\"config\":{\"mediaType\":"
                        + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + digest(CONFIG) + "\",\"size\":"
                        + CONFIG.length + "},\"layers\":[]}")
                .getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])), 16);
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                String method = exchange.getRequestMethod();
                byte[] body = exchange.getRequestBody().readAllBytes();
                if (path.contains("/manifests/") && method.equals("PUT")) {
                    exchange.getResponseHeaders().add("Docker-Content-Digest", digest(body));
                    exchange.getResponseHeaders().add("Location", path);
                    send(exchange, 201, new byte[0], null);
                } else if (path.contains("/manifests/")) {
                    send(exchange, 200, manifest, MANIFEST_TYPE);
                } else if (path.contains("/blobs/uploads/")) {
                    exchange.getResponseHeaders().add("Location", path.replace("/uploads/", "/uploads/1"));
                    send(exchange, method.equals("PUT") ? 201 : 202, new byte[0], null);
                } else if (path.contains("/blobs/")) {
                    send(exchange, 200, CONFIG, "application/octet-stream");
                } else {
                    send(exchange, 200, "{}".getBytes(StandardCharsets.UTF_8), "application/json");
                }
            }
        });
        server.start();
        java.nio.file.Files.writeString(java.nio.file.Path.of(args[1]), "ready\n");
    }

    private static void send(HttpExchange exchange, int status, byte[] body, String type) throws IOException {
        if (type != null) {
            exchange.getResponseHeaders().add("Content-Type", type);
            exchange.getResponseHeaders().add("Docker-Content-Digest", digest(body));
        }
        exchange.getResponseHeaders().add("Docker-Distribution-API-Version", "registry/2.0");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        if (head) {
            exchange.getResponseHeaders().add("Content-Length", Integer.toString(body.length));
        }
        exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head) {
            exchange.getResponseBody().write(body);
        }
    }

    private static String digest(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
