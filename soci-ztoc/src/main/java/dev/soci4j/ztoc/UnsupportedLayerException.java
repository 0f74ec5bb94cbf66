package dev.soci4j.ztoc;

import java.io.IOException;

/** A layer that is well formed but cannot be indexed: zstd or unknown compression, GNU sparse entries. */
public class UnsupportedLayerException extends IOException {
    public UnsupportedLayerException(String message) {
        super(message);
    }
}
