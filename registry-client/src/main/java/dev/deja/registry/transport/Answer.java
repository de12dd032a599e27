package dev.deja.registry.transport;

import java.util.List;
import java.util.Map;

/**
 * A response's status, headers and body, read whole (manifests and error bodies are small; blobs are streamed).
 *
 * @param refusedBecause for a refusal (401), what this side had to offer, in words (the credentials it found for the
 *                       registry, or why none); "" otherwise
 */
public record Answer(int code, Map<String, List<String>> headers, byte[] body, String refusedBecause) {

    public Answer {
        headers = Map.copyOf(headers);
    }

    public Answer(int code, Map<String, List<String>> headers, byte[] body) {
        this(code, headers, body, "");
    }

    /** This answer with why it may have been refused. */
    public Answer refusedBecause(String why) {
        return new Answer(code, headers, body, why);
    }

    /** The first value of a header, any case; {@code null} when absent. */
    public String header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    /** The {@code Content-Type} without parameters, "" when absent. */
    public String mediaType() {
        String type = header("Content-Type");
        return type == null ? "" : type.replaceFirst(";.*", "").strip();
    }

    public boolean successful() {
        return code / 100 == 2;
    }
}
