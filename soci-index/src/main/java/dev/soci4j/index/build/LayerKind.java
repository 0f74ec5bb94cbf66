package dev.soci4j.index.build;

import dev.soci4j.oci.MediaTypes;
import java.util.Optional;

/** The layer media types an image may carry, by how SOCI treats them. */
public enum LayerKind {
    /** gzip tar: indexed with zran checkpoints. */
    GZIP,
    /** uncompressed tar: indexed with fixed spans. */
    TAR,
    /** zstd tar: never indexed, as in the reference; pulled whole at run time. */
    ZSTD;

    /** The kind of a layer media type; empty for media types that are not image layers. */
    public static Optional<LayerKind> of(String mediaType) {
        String mt = MediaTypes.stripParameters(mediaType);
        return Optional.ofNullable(switch (mt) {
            case MediaTypes.OCI_LAYER_GZIP, MediaTypes.DOCKER_LAYER_GZIP, MediaTypes.DOCKER_LAYER_FOREIGN_GZIP,
                 "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip" -> GZIP;
            case MediaTypes.OCI_LAYER, "application/vnd.oci.image.layer.nondistributable.v1.tar",
                 "application/vnd.docker.image.rootfs.diff.tar" -> TAR;
            case MediaTypes.OCI_LAYER_ZSTD, "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
                 "application/vnd.docker.image.rootfs.diff.tar.zstd" -> ZSTD;
            default -> null;
        });
    }
}
