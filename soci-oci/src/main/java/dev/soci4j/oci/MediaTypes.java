package dev.soci4j.oci;

import java.util.List;

/** The OCI and Docker media types soci4j reads and writes, and how they group. */
public final class MediaTypes {
    private MediaTypes() {}

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
    public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
    /** The config of an artifact without one (image-spec manifest.md "Guidance for an Empty Descriptor"). */
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
    public static final String OCI_LAYOUT_HEADER = "application/vnd.oci.layout.header.v1+json";

    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public static final String DOCKER_LAYER_FOREIGN_GZIP = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

    /** The SOCI index artifact type (soci-snapshotter soci/soci_index.go). */
    public static final String SOCI_INDEX_V1 = "application/vnd.amazon.soci.index.v1+json";
    public static final String SOCI_INDEX_V2 = "application/vnd.amazon.soci.index.v2+json";
    public static final String SOCI_ZTOC = "application/octet-stream";

    /** Single-image manifests, in Accept order (OCI first). */
    public static final List<String> MANIFESTS = List.of(OCI_MANIFEST, DOCKER_MANIFEST);
    /** Indexes and manifest lists. */
    public static final List<String> INDEXES = List.of(OCI_INDEX, DOCKER_MANIFEST_LIST);
    /** Everything a manifest GET accepts: single-image manifests and indexes, OCI and Docker. */
    public static final List<String> ALL_MANIFESTS = List.of(OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST);

    public static boolean isIndex(String mediaType) {
        return INDEXES.contains(stripParameters(mediaType));
    }

    public static boolean isManifest(String mediaType) {
        return MANIFESTS.contains(stripParameters(mediaType));
    }

    /** {@code application/json; charset=utf-8} → {@code application/json}. */
    public static String stripParameters(String mediaType) {
        if (mediaType == null) return null;
        int semi = mediaType.indexOf(';');
        return (semi < 0 ? mediaType : mediaType.substring(0, semi)).trim();
    }
}
