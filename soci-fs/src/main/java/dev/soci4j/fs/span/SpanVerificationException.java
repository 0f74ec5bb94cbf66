package dev.soci4j.fs.span;

import java.io.IOException;

/** A span's bytes did not match the zTOC digest, even after fetching it again. */
public final class SpanVerificationException extends IOException {
    public SpanVerificationException(String message) {
        super(message);
    }
}
