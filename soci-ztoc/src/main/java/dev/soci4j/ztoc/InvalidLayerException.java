package dev.soci4j.ztoc;

import java.io.IOException;

/** A layer blob that is corrupt or truncated: bad gzip data or CRC, a damaged tar header, early end. */
public class InvalidLayerException extends IOException {
    public InvalidLayerException(String message) {
        super(message);
    }

    public InvalidLayerException(String message, Throwable cause) {
        super(message, cause);
    }
}
