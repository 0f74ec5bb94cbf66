package dev.soci4j.index;

import dev.soci4j.ztoc.ZtocBuilder;

/**
 * How zTOCs are built (the reference CLI's flags). Immutable; every default is a named constant.
 *
 * @param spanSizeBytes      {@code --span-size}: uncompressed bytes between checkpoints
 * @param minLayerSizeBytes  {@code --min-layer-size}: smaller layers (by descriptor size, before any download) get no zTOC
 * @param optimizeXattrs     {@code --optimizations xattr}: mark layers without xattrs and opaque whiteouts
 * @param force              {@code -f}: rebuild zTOCs even when the local store has one for the layer and span size
 * @param parallelLayers     layers indexed at once
 */
public record BuildOptions(long spanSizeBytes, long minLayerSizeBytes, boolean optimizeXattrs, boolean force, int parallelLayers) {
    /** The reference's default: 4 MiB spans. */
    public static final long DEFAULT_SPAN_SIZE_BYTES = ZtocBuilder.DEFAULT_SPAN_SIZE_BYTES;
    /** The reference's default: layers under 10 MiB are cheaper to pull whole than to mount lazily. */
    public static final long DEFAULT_MIN_LAYER_SIZE_BYTES = 10L << 20;
    /** 4 streams keep a registry link busy while each layer's inflate keeps one core busy. */
    public static final int DEFAULT_PARALLEL_LAYERS = 4;

    public static final BuildOptions DEFAULT = new BuildOptions(DEFAULT_SPAN_SIZE_BYTES, DEFAULT_MIN_LAYER_SIZE_BYTES,
            false, false, DEFAULT_PARALLEL_LAYERS);

    public BuildOptions {
        if (spanSizeBytes <= 0) throw new IllegalArgumentException("span size must be positive, got " + spanSizeBytes);
        if (minLayerSizeBytes < 0) throw new IllegalArgumentException("min layer size must be >= 0, got " + minLayerSizeBytes);
        if (parallelLayers < 1) throw new IllegalArgumentException("parallel layers must be >= 1, got " + parallelLayers);
    }

    public BuildOptions withSpanSize(long bytes) { return new BuildOptions(bytes, minLayerSizeBytes, optimizeXattrs, force, parallelLayers); }
    public BuildOptions withMinLayerSize(long bytes) { return new BuildOptions(spanSizeBytes, bytes, optimizeXattrs, force, parallelLayers); }
    public BuildOptions withOptimizeXattrs(boolean on) { return new BuildOptions(spanSizeBytes, minLayerSizeBytes, on, force, parallelLayers); }
    public BuildOptions withForce(boolean on) { return new BuildOptions(spanSizeBytes, minLayerSizeBytes, optimizeXattrs, on, parallelLayers); }
    public BuildOptions withParallelLayers(int n) { return new BuildOptions(spanSizeBytes, minLayerSizeBytes, optimizeXattrs, force, n); }
}
