package dev.deja.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One in-process run of deja: exit code, stdout (bytes and text) and stderr. */
record Run(int code, byte[] stdoutBytes, String stderr) {

    /** No digest cache: tests must not write to the user's cache folder. */
    static Run of(String... args) {
        return withEnvironment(Map.of("DEJA_DIGEST_CACHE", "off"), args);
    }

    static Run withEnvironment(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, out, err, environment);
        return new Run(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    String stdout() {
        return new String(stdoutBytes, StandardCharsets.UTF_8);
    }
}
