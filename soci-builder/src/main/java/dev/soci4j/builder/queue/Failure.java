package dev.soci4j.builder.queue;

import dev.soci4j.index.LayerIndexException;
import dev.soci4j.index.UnsupportedImageException;
import dev.soci4j.ztoc.InvalidLayerException;
import dev.soci4j.ztoc.InvalidZtocException;
import dev.soci4j.ztoc.UnsupportedLayerException;
import dev.soci4j.oci.ManifestNotFoundException;
import dev.soci4j.oci.RegistryException;
import dev.soci4j.oci.manifest.InvalidManifestException;
import java.io.IOException;

/** Whether a failed build is worth another try. */
public enum Failure {
    /** The registry or network (5xx, 429, timeouts, auth that may be fixed): retry with backoff. */
    RETRY,
    /** The image itself (unsupported, corrupt, deleted): retrying gives the same answer, dead-letter now. */
    PERMANENT;

    public static Failure of(Throwable t) {
        return switch (t) {
            case UnsupportedImageException e -> PERMANENT;
            // the layer is named in the message; what went wrong with it decides (corrupt → permanent, network → retry)
            case LayerIndexException e -> e.getCause() == null || e.getCause() == e ? RETRY : of(e.getCause());
            case InvalidLayerException e -> PERMANENT;
            case UnsupportedLayerException e -> PERMANENT;
            case InvalidZtocException e -> PERMANENT;
            case dev.soci4j.ztoc.DigestMismatchException e -> PERMANENT;
            case dev.soci4j.oci.DigestMismatchException e -> PERMANENT;
            case InvalidManifestException e -> PERMANENT;
            case ManifestNotFoundException e -> PERMANENT;
            case RegistryException e -> RETRY;
            case IOException e -> RETRY;
            default -> PERMANENT;
        };
    }
}
