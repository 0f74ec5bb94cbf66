package dev.soci4j.index;

/** Annotation keys and fixed values of SOCI artifacts ({@code soci-format.md §4}; soci-snapshotter soci/soci_index.go). */
public final class SociAnnotations {
    private SociAnnotations() {}

    /** On a zTOC descriptor: the digest of the layer it describes. */
    public static final String IMAGE_LAYER_DIGEST = "com.amazon.soci.image-layer-digest";
    /** On a zTOC descriptor: the layer's media type (capital T, as the reference spells it). */
    public static final String IMAGE_LAYER_MEDIA_TYPE = "com.amazon.soci.image-layer-mediaType";
    /** On a zTOC descriptor: the span size in bytes, decimal. */
    public static final String SPAN_SIZE = "com.amazon.soci.span-size";
    /** On a zTOC descriptor: "true" when the layer has no xattrs and no opaque whiteout, so runtimes may skip them. */
    public static final String DISABLE_XATTRS = "com.amazon.soci.disable-xattrs";
    /** On the index manifest. */
    public static final String BUILD_TOOL_IDENTIFIER = "com.amazon.soci.build-tool-identifier";
    /** The value the reference writes; runtimes do not check it, but Fargate's tooling reports it. */
    public static final String BUILD_TOOL = "AWS SOCI CLI v0.2";
    /** v2: on a rewritten image manifest and its index descriptor, the digest of its SOCI index. */
    public static final String INDEX_DIGEST = "com.amazon.soci.index-digest";
    /** v2: on the SOCI index descriptor in the image index, the digest of the rewritten image manifest. */
    public static final String IMAGE_MANIFEST_DIGEST = "com.amazon.soci.image-manifest-digest";
}
