package dev.deja.registry.transport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deja.registry.RegistryException;
import dev.deja.registry.json.JsonTrees;
import java.io.IOException;

/** Turns an unsuccessful answer into a {@link RegistryException} with the registry's own code and message. */
public final class ErrorBodies {

    private ErrorBodies() {}

    /**
     * Returns when the answer is a 2xx; otherwise throws with the error body's first error (distribution spec
     * {@code {"errors":[{"code","message"}]}}), or the spec's code for the status when there is no body.
     *
     * @param what what was tried, for the message ({@code "PUT manifest v1"})
     */
    public static void expectSuccess(String registry, String repositoryPath, Answer answer, String what) {
        if (answer.successful()) {
            return;
        }
        String code = "";
        String message = what + " in " + repositoryPath + " failed";
        try {
            JsonNode error = JsonTrees.read(answer.body()).path("errors").path(0);
            if (!error.isMissingNode()) {
                code = error.path("code").asText("");
                message = what + " in " + repositoryPath + ": "
                        + error.path("message").asText("");
            }
        } catch (IOException | RuntimeException e) {
            // not a JSON error body: keep the generic message
        }
        if (code.isEmpty()) {
            code = defaultCode(answer.code());
        }
        if (!answer.refusedBecause().isEmpty()) {
            message += " (" + answer.refusedBecause() + ")";
        }
        throw new RegistryException(registry, answer.code(), code, message);
    }

    /** The answer's body as JSON; malformed JSON is a {@link RegistryException}. */
    public static JsonNode json(String registry, Answer answer) {
        try {
            return JsonTrees.read(answer.body());
        } catch (IOException e) {
            throw new RegistryException(registry, answer.code(), "MALFORMED", "the registry sent malformed JSON");
        }
    }

    /** The distribution spec's code for a status, for answers without a body (HEAD). */
    private static String defaultCode(int status) {
        switch (status) {
            case 401:
                return "UNAUTHORIZED";
            case 403:
                return "DENIED";
            case 404:
                return "NAME_UNKNOWN";
            case 429:
                return "TOOMANYREQUESTS";
            default:
                return status >= 500 ? "SERVER_ERROR" : "HTTP_" + status;
        }
    }
}
