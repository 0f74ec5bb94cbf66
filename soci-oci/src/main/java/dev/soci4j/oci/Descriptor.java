package dev.soci4j.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A content descriptor (image-spec descriptor.md). Immutable; lists and maps are copied.
 * Annotations keep their order sorted by key so that re-serialized JSON is stable.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Descriptor(
        String mediaType,
        Digest digest,
        long size,
        List<String> urls,
        Map<String, String> annotations,
        Platform platform,
        String artifactType) {

    /** image-spec annotations.md: the tag a manifest has inside an OCI layout's index.json. */
    public static final String REF_NAME = "org.opencontainers.image.ref.name";

    public Descriptor {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(digest, "digest");
        if (size < 0) throw new IllegalArgumentException("descriptor %s: negative size %d".formatted(digest, size));
        urls = urls == null ? List.of() : List.copyOf(urls);
        annotations = annotations == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(annotations));
    }

    public Descriptor(String mediaType, Digest digest, long size) {
        this(mediaType, digest, size, List.of(), Map.of(), null, null);
    }

    /** The descriptor of these bytes. */
    public static Descriptor of(String mediaType, byte[] bytes) {
        return new Descriptor(mediaType, Digest.of(bytes), bytes.length);
    }

    public Descriptor withAnnotations(Map<String, String> newAnnotations) {
        return new Descriptor(mediaType, digest, size, urls, newAnnotations, platform, artifactType);
    }

    public Descriptor withAnnotation(String key, String value) {
        Map<String, String> merged = new TreeMap<>(annotations);
        merged.put(key, value);
        return withAnnotations(merged);
    }

    public Descriptor withPlatform(Platform newPlatform) {
        return new Descriptor(mediaType, digest, size, urls, annotations, newPlatform, artifactType);
    }

    public Descriptor withArtifactType(String newArtifactType) {
        return new Descriptor(mediaType, digest, size, urls, annotations, platform, newArtifactType);
    }

    /** Same content (digest, size, media type), whatever the annotations. */
    public boolean sameContent(Descriptor other) {
        return digest.equals(other.digest) && size == other.size && mediaType.equals(other.mediaType);
    }
}
