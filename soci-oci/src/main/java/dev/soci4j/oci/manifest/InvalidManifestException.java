package dev.soci4j.oci.manifest;

import java.io.IOException;

/** Manifest bytes that are not a valid OCI/Docker manifest or index. */
public class InvalidManifestException extends IOException {
    public InvalidManifestException(String message) {
        super(message);
    }

    public InvalidManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
