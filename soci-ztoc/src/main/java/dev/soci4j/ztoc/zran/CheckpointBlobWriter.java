package dev.soci4j.ztoc.zran;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Writes the v2 checkpoints blob ({@code soci-format.md §2}) as the indexer takes checkpoints: each
 * one goes straight into one little-endian array, its window copied once from the output ring, and
 * the header's count is patched in at the end. The blob is the only copy of the checkpoints: the
 * zTOC and the parsed {@link GzipCheckpoints} are views of it.
 *
 * <p>The array grows by an eighth (at least {@value #MIN_GROWTH} checkpoints) at a time, so it holds
 * at most an eighth more than it needs and a growth holds about 2.1x the blob for a moment, instead
 * of 3x when doubling then trimming. The spare capacity is not trimmed off: {@link #finish()} returns
 * a view of exactly the blob's bytes. Not thread-safe.
 */
final class CheckpointBlobWriter {
    private static final int MIN_GROWTH = 8;

    private final long spanSizeBytes;
    private byte[] blob;
    private int count;

    CheckpointBlobWriter(long spanSizeBytes) {
        this.spanSizeBytes = spanSizeBytes;
        this.blob = new byte[length(MIN_GROWTH)];
    }

    int count() {
        return count;
    }

    /**
     * Appends a checkpoint at {@code out}, its window the ring's last 32 KiB.
     *
     * @throws IllegalStateException when the blob already holds {@link GzipCheckpoints#MAX_CHECKPOINTS}
     */
    void add(long in, long out, int bits, OutputRing ring) {
        if (count == GzipCheckpoints.MAX_CHECKPOINTS)
            throw new IllegalStateException("checkpoint blob is full: " + count + " checkpoints");
        int at = length(count);
        if (at + GzipCheckpoints.PACKED_CHECKPOINT_SIZE > blob.length) grow();
        ByteBuffer le = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        le.putLong(at, in).putLong(at + 8, out).put(at + 16, (byte) bits);
        ring.copyWindow(out, blob, at + 17);
        count++;
    }

    /**
     * The blob: a read-only little-endian view of {@code 12 + count * 32785} bytes. The writer must not
     * be used afterwards.
     */
    ByteBuffer finish() {
        ByteBuffer le = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        le.putInt(0, count).putLong(4, spanSizeBytes);
        return le.slice(0, length(count)).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private void grow() {
        int capacity = (blob.length - GzipCheckpoints.HEADER_SIZE) / GzipCheckpoints.PACKED_CHECKPOINT_SIZE;
        int wanted = (int) Math.min(GzipCheckpoints.MAX_CHECKPOINTS, (long) capacity + Math.max(MIN_GROWTH, capacity >> 3));
        blob = Arrays.copyOf(blob, length(wanted));
    }

    private static int length(int checkpoints) {
        return Math.toIntExact(GzipCheckpoints.HEADER_SIZE + (long) checkpoints * GzipCheckpoints.PACKED_CHECKPOINT_SIZE);
    }
}
