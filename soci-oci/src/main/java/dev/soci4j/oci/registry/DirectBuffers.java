package dev.soci4j.oci.registry;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers of {@link BlobStreamer#BUFFER_BYTES} that finished transfers left behind, for the
 * next ones. Why: a transfer's ring ({@link BlobHasher}) is up to {@value BlobHasher#BUFFERS} MiB of
 * direct memory; allocating it anew zeroes it and leaves the old one to the GC, which frees direct
 * memory only when the heap needs collecting, so a process pulling layer after layer would hold on
 * to far more than it uses. Keeps one ring's worth. Thread-safe.
 */
final class DirectBuffers {
    private static final ConcurrentLinkedQueue<ByteBuffer> SPARE = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger SPARE_COUNT = new AtomicInteger();

    private DirectBuffers() {}

    /** A cleared direct buffer of {@code bytes}, reused when it has the standard size. */
    static ByteBuffer take(int bytes) {
        if (bytes == BlobStreamer.BUFFER_BYTES) {
            ByteBuffer spare = SPARE.poll();
            if (spare != null) {
                SPARE_COUNT.decrementAndGet();
                return spare.clear();
            }
        }
        return ByteBuffer.allocateDirect(bytes);
    }

    /** Gives back a buffer nothing reads or writes any more. */
    static void give(ByteBuffer buffer) {
        if (!buffer.isDirect() || buffer.capacity() != BlobStreamer.BUFFER_BYTES) return;
        if (SPARE_COUNT.incrementAndGet() <= BlobHasher.BUFFERS) SPARE.add(buffer);
        else SPARE_COUNT.decrementAndGet();
    }
}
