package dev.soci4j.index;

import java.io.IOException;

/** No SOCI index where one was asked for: local store, registry, or image annotations. */
public class IndexNotFoundException extends IOException {
    public IndexNotFoundException(String message) {
        super(message);
    }
}
