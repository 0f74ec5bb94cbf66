package dev.soci4j.ztoc.zran;

import java.util.List;
import java.util.Objects;

/**
 * What one pass over a gzip layer yields ({@code soci-format.md §2}): the checkpoints, the sha256 of
 * each span's compressed bytes ({@code sha256:<hex>}, in span order), and the layer's sizes.
 * Immutable.
 *
 * @param compressedSize   bytes of the layer blob; the last span ends here (trailer included)
 * @param uncompressedSize bytes of uncompressed data; the last span ends here
 */
public record GzipIndex(GzipCheckpoints checkpoints, List<String> spanDigests, long compressedSize,
                        long uncompressedSize) {
    public GzipIndex {
        Objects.requireNonNull(checkpoints, "checkpoints");
        spanDigests = List.copyOf(spanDigests);
        if (spanDigests.size() != checkpoints.spanCount()) {
            throw new IllegalArgumentException("%d span digests for %d checkpoints"
                    .formatted(spanDigests.size(), checkpoints.spanCount()));
        }
        Checkpoint last = checkpoints.checkpoints().getLast();
        if (compressedSize < last.in() || uncompressedSize < last.out()) {
            throw new IllegalArgumentException("sizes compressed=%d uncompressed=%d end before the last checkpoint %s"
                    .formatted(compressedSize, uncompressedSize, last));
        }
    }

    /** {@code max_span_id} of the zTOC. */
    public int maxSpanId() {
        return checkpoints.spanCount() - 1;
    }
}
