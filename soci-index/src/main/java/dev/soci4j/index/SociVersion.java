package dev.soci4j.index;

import dev.soci4j.oci.MediaTypes;

/**
 * The two SOCI index flavours ({@code soci-format.md §4}). v1 points at its image through
 * {@code subject} and is found through referrers; v2 has no subject and is found through the
 * {@code com.amazon.soci.index-digest} annotation of the rewritten image manifest.
 */
public enum SociVersion {
    V1(MediaTypes.SOCI_INDEX_V1),
    V2(MediaTypes.SOCI_INDEX_V2);

    private final String artifactType;

    SociVersion(String artifactType) {
        this.artifactType = artifactType;
    }

    /** The artifact type: the index config's media type, and {@code artifactType} of descriptors pointing at it. */
    public String artifactType() {
        return artifactType;
    }

    /** The version whose artifact type this is, if any. */
    public static java.util.Optional<SociVersion> ofArtifactType(String artifactType) {
        for (SociVersion v : values()) if (v.artifactType.equals(artifactType)) return java.util.Optional.of(v);
        return java.util.Optional.empty();
    }
}
