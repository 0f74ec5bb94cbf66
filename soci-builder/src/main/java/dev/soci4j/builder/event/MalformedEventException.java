package dev.soci4j.builder.event;

import java.io.IOException;

/** A body that is not a notification of a known format: the server answers 400 with this message. */
public class MalformedEventException extends IOException {
    public MalformedEventException(String message) {
        super(message);
    }

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
