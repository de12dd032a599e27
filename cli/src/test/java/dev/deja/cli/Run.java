package dev.deja.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** One in-process run of deja: exit code, stdout (bytes and text) and stderr. */
record Run(int code, byte[] stdoutBytes, String stderr) {

    static Run of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, out, err);
        return new Run(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    String stdout() {
        return new String(stdoutBytes, StandardCharsets.UTF_8);
    }
}
