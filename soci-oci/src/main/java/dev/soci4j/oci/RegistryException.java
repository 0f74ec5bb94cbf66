package dev.soci4j.oci;

import java.io.IOException;

/**
 * A registry answered, but not as hoped (or kept failing after retries). The message names what was
 * attempted (the endpoint's description, which names registry, repository and digest or tag), the
 * HTTP status and the registry's error codes when it sent any.
 */
public class RegistryException extends IOException {
    private final int status;
    private final String action;

    public RegistryException(String action, int status, String detail) {
        this(action, status, detail, null);
    }

    public RegistryException(String action, int status, String detail, Throwable cause) {
        super(action + " failed" + (status > 0 ? ": HTTP " + status : "") + (detail == null || detail.isBlank() ? "" : ": " + detail), cause);
        this.status = status;
        this.action = action;
    }

    /** The HTTP status seen, or 0 when the failure was not an HTTP answer. */
    public int status() {
        return status;
    }

    /** What was attempted, e.g. {@code pull manifest latest from localhost:5000/app}. */
    public String action() {
        return action;
    }
}
