package dev.soci4j.index;

import dev.soci4j.oci.Descriptor;

/**
 * Per-layer progress of an index build, for the CLI's bars. Called from the worker threads, possibly
 * several layers at once: implementations must be thread-safe and quick. All methods default to nothing.
 */
public interface BuildProgress {
    BuildProgress NONE = new BuildProgress() {};

    /** A layer starts streaming; {@code totalBytes} is its descriptor size. */
    default void layerStarted(String image, Descriptor layer, long totalBytes) {}

    /** {@code readBytes} of the layer have been read so far (monotonic). */
    default void bytesRead(Descriptor layer, long readBytes, long totalBytes) {}

    /** The layer is done: indexed, reused or skipped. */
    default void layerFinished(String image, LayerOutcome outcome) {}
}
