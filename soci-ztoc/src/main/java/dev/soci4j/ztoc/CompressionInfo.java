package dev.soci4j.ztoc;

import java.util.List;
import java.util.Objects;

/**
 * The compression part of a zTOC ({@code soci-format.md §1-3}): one checkpoint per span in
 * {@code checkpoints} (the zran blob for gzip, a {@code TarZinfo} buffer for uncompressed layers) and
 * the sha256 of each span's compressed bytes. Immutable; {@link #checkpoints()} returns a copy.
 *
 * @param maxSpanId   number of spans minus one
 * @param spanDigests {@code sha256:<hex>} per span, in span order
 */
public record CompressionInfo(CompressionAlgorithm algorithm, int maxSpanId, List<String> spanDigests,
                              byte[] checkpoints) {
    public CompressionInfo {
        Objects.requireNonNull(algorithm, "algorithm");
        spanDigests = List.copyOf(spanDigests);
        checkpoints = Objects.requireNonNull(checkpoints, "checkpoints").clone();
    }

    @Override
    public byte[] checkpoints() {
        return checkpoints.clone();
    }

    /** Length of the checkpoints blob, without copying it. */
    public int checkpointsLength() {
        return checkpoints.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CompressionInfo c && algorithm == c.algorithm && maxSpanId == c.maxSpanId
                && spanDigests.equals(c.spanDigests) && java.util.Arrays.equals(checkpoints, c.checkpoints);
    }

    @Override
    public int hashCode() {
        return Objects.hash(algorithm, maxSpanId, spanDigests) * 31 + java.util.Arrays.hashCode(checkpoints);
    }

    @Override
    public String toString() {
        return "CompressionInfo[algorithm=%s, maxSpanId=%d, spanDigests=%d, checkpoints=%d bytes]"
                .formatted(algorithm, maxSpanId, spanDigests.size(), checkpoints.length);
    }
}
