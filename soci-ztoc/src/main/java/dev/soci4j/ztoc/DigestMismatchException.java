package dev.soci4j.ztoc;

import java.io.IOException;

/** Bytes read from a layer whose sha256 is not the one the zTOC recorded; they are never used. */
public class DigestMismatchException extends IOException {
    public DigestMismatchException(String message) {
        super(message);
    }
}
