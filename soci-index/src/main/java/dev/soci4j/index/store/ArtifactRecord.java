package dev.soci4j.index.store;

import dev.soci4j.oci.Digest;
import java.time.Instant;
import java.util.Objects;

/**
 * One artifact of the local store's database. Immutable. Fields that do not apply to the type are null.
 *
 * @param digest         the blob's digest (index manifest or zTOC)
 * @param type           index or zTOC
 * @param size           blob size in bytes
 * @param mediaType      for an index its artifact type ({@code application/vnd.amazon.soci.index.v2+json}),
 *                       for a zTOC the descriptor media type ({@code application/octet-stream})
 * @param imageRef       the image it was built for (as the user named it), when known
 * @param platform       {@code os/arch[/variant]}, when known
 * @param manifestDigest index: the image manifest it indexes (v1: its subject; v2: the rewritten manifest)
 * @param layerDigest    zTOC: the layer it describes
 * @param layerMediaType zTOC: that layer's media type
 * @param spanSizeBytes  zTOC: its span size, else 0
 * @param created        when the record was first written
 */
public record ArtifactRecord(Digest digest, ArtifactType type, long size, String mediaType, String imageRef,
                             String platform, Digest manifestDigest, Digest layerDigest, String layerMediaType,
                             long spanSizeBytes, Instant created) {
    public ArtifactRecord {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(created, "created");
        if (size < 0) throw new IllegalArgumentException("record %s: negative size %d".formatted(digest, size));
        if (type == ArtifactType.ZTOC && layerDigest == null)
            throw new IllegalArgumentException("zTOC record %s without a layer digest".formatted(digest));
    }

    public static ArtifactRecord index(Digest digest, long size, String artifactType, String imageRef, String platform,
                                       Digest manifestDigest, Instant created) {
        return new ArtifactRecord(digest, ArtifactType.INDEX, size, artifactType, imageRef, platform, manifestDigest,
                null, null, 0, created);
    }

    public static ArtifactRecord ztoc(Digest digest, long size, Digest layerDigest, String layerMediaType,
                                      long spanSizeBytes, String imageRef, Instant created) {
        return new ArtifactRecord(digest, ArtifactType.ZTOC, size, dev.soci4j.oci.MediaTypes.SOCI_ZTOC, imageRef, null,
                null, layerDigest, layerMediaType, spanSizeBytes, created);
    }

    public ArtifactRecord withImage(String newImageRef, String newPlatform, Digest newManifestDigest) {
        return new ArtifactRecord(digest, type, size, mediaType, newImageRef, newPlatform, newManifestDigest, layerDigest,
                layerMediaType, spanSizeBytes, created);
    }
}
