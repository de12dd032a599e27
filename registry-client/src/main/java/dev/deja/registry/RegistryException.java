package dev.deja.registry;

/**
 * A registry refused or could not be reached. Carries the HTTP status (0 when there was no answer), the
 * registry's error code and message. Never carries a credential or token.
 */
public class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String registry;
    private final int status;
    private final String code;

    public RegistryException(String registry, int status, String code, String message) {
        super(message);
        this.registry = registry;
        this.status = status;
        this.code = code;
    }

    public RegistryException(String registry, String message, Throwable cause) {
        super(message, cause);
        this.registry = registry;
        this.status = 0;
        this.code = "UNREACHABLE";
    }

    public String registry() {
        return registry;
    }

    /** The HTTP status, 0 when the registry did not answer. */
    public int status() {
        return status;
    }

    /** The registry's error code ({@code MANIFEST_UNKNOWN}, {@code DENIED}, …) or deja's own. */
    public String code() {
        return code;
    }

    /** The same refusal, its message led by what was being asked ({@code base python:3.12 (api/Dockerfile:1)}). */
    public RegistryException about(String what) {
        RegistryException wrapped = new RegistryException(registry, status, code, what + ": " + super.getMessage());
        wrapped.initCause(this);
        return wrapped;
    }

    public boolean unreachable() {
        return status == 0;
    }

    @Override
    public String getMessage() {
        return registry + ": " + (status > 0 ? "HTTP " + status + " " : "") + (code.isEmpty() ? "" : code + ": ")
                + super.getMessage();
    }
}
