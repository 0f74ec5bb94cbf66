package dev.soci4j.oci;

import java.io.IOException;

/** Content did not hash to the digest it was fetched by; nothing of it was published. */
public class DigestMismatchException extends IOException {
    private final Digest expected;
    private final Digest actual;

    public DigestMismatchException(String subject, Digest expected, Digest actual, long bytes) {
        super("%s failed verification: expected %s, got %s over %d bytes".formatted(subject, expected, actual, bytes));
        this.expected = expected;
        this.actual = actual;
    }

    public Digest expected() {
        return expected;
    }

    public Digest actual() {
        return actual;
    }
}
