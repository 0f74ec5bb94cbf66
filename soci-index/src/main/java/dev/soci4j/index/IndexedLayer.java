package dev.soci4j.index;

import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.MediaTypes;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One zTOC of a SOCI index: the zTOC blob and the layer it describes. Immutable.
 *
 * @param ztoc           digest and size of the zTOC blob
 * @param layerDigest    the image layer
 * @param layerMediaType the image layer's media type, as in the image manifest
 * @param spanSizeBytes  the span size the zTOC was built with
 * @param disableXattrs  whether the descriptor carries {@code com.amazon.soci.disable-xattrs: "true"}
 */
public record IndexedLayer(Digest ztoc, long ztocSize, Digest layerDigest, String layerMediaType,
                           long spanSizeBytes, boolean disableXattrs) {
    public IndexedLayer {
        Objects.requireNonNull(ztoc, "ztoc");
        Objects.requireNonNull(layerDigest, "layerDigest");
        Objects.requireNonNull(layerMediaType, "layerMediaType");
        if (ztocSize <= 0) throw new IllegalArgumentException("zTOC %s: bad size %d".formatted(ztoc, ztocSize));
        if (spanSizeBytes <= 0) throw new IllegalArgumentException("zTOC %s: bad span size %d".formatted(ztoc, spanSizeBytes));
    }

    /** The descriptor in the index's {@code layers} ({@code soci-format.md §4}). */
    public Descriptor descriptor() {
        Map<String, String> annotations = new TreeMap<>();
        annotations.put(SociAnnotations.IMAGE_LAYER_DIGEST, layerDigest.toString());
        annotations.put(SociAnnotations.IMAGE_LAYER_MEDIA_TYPE, layerMediaType);
        annotations.put(SociAnnotations.SPAN_SIZE, Long.toString(spanSizeBytes));
        if (disableXattrs) annotations.put(SociAnnotations.DISABLE_XATTRS, "true");
        return new Descriptor(MediaTypes.SOCI_ZTOC, ztoc, ztocSize).withAnnotations(annotations);
    }

    /** Reads a zTOC descriptor of an index back; rejects one without the layer annotations. */
    public static IndexedLayer of(Descriptor d) {
        Map<String, String> a = d.annotations();
        String layer = a.get(SociAnnotations.IMAGE_LAYER_DIGEST);
        String mediaType = a.get(SociAnnotations.IMAGE_LAYER_MEDIA_TYPE);
        String span = a.get(SociAnnotations.SPAN_SIZE);
        if (layer == null || mediaType == null)
            throw new IllegalArgumentException("zTOC descriptor %s lacks %s or %s".formatted(d.digest(),
                    SociAnnotations.IMAGE_LAYER_DIGEST, SociAnnotations.IMAGE_LAYER_MEDIA_TYPE));
        long spanSize;
        try {
            // older reference indexes may omit the span size; 4 MiB was the only value they wrote
            spanSize = span == null ? dev.soci4j.ztoc.ZtocBuilder.DEFAULT_SPAN_SIZE_BYTES : Long.parseLong(span);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("zTOC descriptor %s: bad span size '%s'".formatted(d.digest(), span), e);
        }
        return new IndexedLayer(d.digest(), d.size(), Digest.parse(layer), mediaType, spanSize,
                "true".equals(a.get(SociAnnotations.DISABLE_XATTRS)));
    }
}
