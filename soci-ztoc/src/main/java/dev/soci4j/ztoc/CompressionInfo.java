package dev.soci4j.ztoc;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * The compression part of a zTOC ({@code soci-format.md §1-3}): one checkpoint per span in the
 * checkpoints blob (the zran blob for gzip, a {@code TarZinfo} buffer for uncompressed layers) and
 * the sha256 of each span's compressed bytes. Immutable.
 *
 * <p>The blob is the bulk of a gzip zTOC (32 KiB per span: 17 MB for a 2 GB layer), so it is held
 * once and never copied on the way from builder to encoder or from decoder to span table. The
 * canonical constructor <em>takes ownership</em> of the buffer's remaining bytes without copying
 * them: whoever passes it must not write to its memory afterwards (the builders hand over memory
 * nobody else references; the decoder a view of the zTOC bytes it was given, see
 * {@link ZtocCodec#decode}). The {@code byte[]} constructor copies, and {@link #checkpoints()} returns
 * a copy; {@link #checkpointBlob()} is the no-copy read-only view that codec, validator and span
 * table read.
 *
 * <p>Equality compares the blobs' contents.
 *
 * @param maxSpanId      number of spans minus one
 * @param spanDigests    {@code sha256:<hex>} per span, in span order
 * @param checkpointBlob the checkpoints blob; the accessor returns a fresh read-only view of exactly
 *                       its bytes (position 0, big-endian like any new buffer: set the order to read it)
 */
public record CompressionInfo(CompressionAlgorithm algorithm, int maxSpanId, List<String> spanDigests,
                              ByteBuffer checkpointBlob) {
    public CompressionInfo {
        Objects.requireNonNull(algorithm, "algorithm");
        spanDigests = List.copyOf(spanDigests);
        checkpointBlob = Objects.requireNonNull(checkpointBlob, "checkpointBlob").slice().asReadOnlyBuffer();
    }

    /** Copies {@code checkpoints}: the caller keeps its array. */
    public CompressionInfo(CompressionAlgorithm algorithm, int maxSpanId, List<String> spanDigests,
                           byte[] checkpoints) {
        this(algorithm, maxSpanId, spanDigests,
                ByteBuffer.wrap(Objects.requireNonNull(checkpoints, "checkpoints").clone()));
    }

    @Override
    public ByteBuffer checkpointBlob() {
        return checkpointBlob.duplicate();
    }

    /** A copy of the checkpoints blob; {@link #checkpointBlob()} reads it without copying. */
    public byte[] checkpoints() {
        byte[] copy = new byte[checkpointBlob.capacity()];
        checkpointBlob.get(0, copy);
        return copy;
    }

    /** Length of the checkpoints blob, without copying it. */
    public int checkpointsLength() {
        return checkpointBlob.capacity();
    }

    @Override
    public String toString() {
        return "CompressionInfo[algorithm=%s, maxSpanId=%d, spanDigests=%d, checkpoints=%d bytes]"
                .formatted(algorithm, maxSpanId, spanDigests.size(), checkpointBlob.capacity());
    }
}
