package dev.soci4j.ztoc.zran;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Native memory that inflate writes into round and round, so the sink reads output where zlib wrote
 * it and a checkpoint's window is the ring's last 32 KiB, copied only when a checkpoint is taken.
 * Not thread-safe.
 */
final class OutputRing {
    private final ByteBuffer ring;
    private final int capacity;
    private int position;

    /** @param ring a direct buffer larger than the window */
    OutputRing(ByteBuffer ring) {
        if (!ring.isDirect() || ring.capacity() <= Checkpoint.WINDOW_SIZE) {
            throw new IllegalArgumentException("ring must be direct and larger than the window: " + ring);
        }
        this.ring = ring;
        this.capacity = ring.capacity();
    }

    /** Where inflate writes next: the ring from the write position to its end (wrapping when full). */
    ByteBuffer writable() {
        if (position == capacity) position = 0;
        return ring.limit(capacity).position(position);
    }

    /** Records that inflate wrote up to {@code writable()}'s new position; returns a read-only view of it. */
    ByteBuffer written() {
        int start = position;
        position = ring.position();
        return ring.slice(start, position - start).asReadOnlyBuffer();
    }

    /**
     * Copies the last 32 KiB of output into {@code dst} at {@code offset}, zero-filled at the start when
     * only {@code totalOut} bytes exist.
     */
    void copyWindow(long totalOut, byte[] dst, int offset) {
        int have = (int) Math.min(totalOut, Checkpoint.WINDOW_SIZE);
        int at = offset + Checkpoint.WINDOW_SIZE - have;
        Arrays.fill(dst, offset, at, (byte) 0);
        int start = position - have;
        if (start < 0) { // wrapped: the older part sits at the end of the ring
            ring.get(capacity + start, dst, at, -start);
            at += -start;
            start = 0;
        }
        ring.get(start, dst, at, position - start);
    }
}
