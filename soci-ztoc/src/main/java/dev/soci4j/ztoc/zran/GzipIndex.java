package dev.soci4j.ztoc.zran;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * What one pass over a gzip layer yields ({@code soci-format.md §2}): the checkpoints, the sha256 of
 * each span's compressed bytes ({@code sha256:<hex>}, in span order), and the layer's sizes.
 * Immutable.
 *
 * <p>The checkpoints are held once: {@code checkpointBlob} is the zTOC's v2 blob and
 * {@code checkpoints} views of it (see {@link GzipCheckpoints#parse(ByteBuffer)}). The constructor
 * takes ownership of the blob's memory: nobody may write to it afterwards.
 *
 * @param checkpointBlob   the checkpoints packed as the zTOC's v2 blob, exactly its bytes; the
 *                         accessor returns a fresh read-only view (position 0, little-endian)
 * @param compressedSize   bytes of the layer blob; the last span ends here (trailer included)
 * @param uncompressedSize bytes of uncompressed data; the last span ends here
 */
public record GzipIndex(GzipCheckpoints checkpoints, ByteBuffer checkpointBlob, List<String> spanDigests,
                        long compressedSize, long uncompressedSize) {
    public GzipIndex {
        Objects.requireNonNull(checkpoints, "checkpoints");
        checkpointBlob = Objects.requireNonNull(checkpointBlob, "checkpointBlob").slice().asReadOnlyBuffer();
        long blobLength = GzipCheckpoints.HEADER_SIZE + (long) checkpoints.spanCount() * GzipCheckpoints.PACKED_CHECKPOINT_SIZE;
        ByteBuffer header = checkpointBlob.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (checkpointBlob.capacity() != blobLength || header.getInt(0) != checkpoints.spanCount()
                || header.getLong(4) != checkpoints.spanSizeBytes()) {
            throw new IllegalArgumentException("checkpoint blob of %d bytes does not hold %s (expected %d bytes)"
                    .formatted(checkpointBlob.capacity(), checkpoints, blobLength));
        }
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

    @Override
    public ByteBuffer checkpointBlob() {
        return checkpointBlob.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** {@code max_span_id} of the zTOC. */
    public int maxSpanId() {
        return checkpoints.spanCount() - 1;
    }
}
