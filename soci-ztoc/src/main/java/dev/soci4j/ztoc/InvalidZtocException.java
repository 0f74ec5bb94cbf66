package dev.soci4j.ztoc;

import java.io.IOException;

/** A zTOC that is not well formed or contradicts itself (bad buffer, offsets, counts or sizes). */
public class InvalidZtocException extends IOException {
    public InvalidZtocException(String message) {
        super(message);
    }

    public InvalidZtocException(String message, Throwable cause) {
        super(message, cause);
    }
}
