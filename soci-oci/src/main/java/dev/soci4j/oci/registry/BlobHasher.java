package dev.soci4j.oci.registry;

import dev.soci4j.oci.Digest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * sha256 of a blob's chunks, in order, on a CPU executor while the caller goes on receiving the next
 * ones. Measured on loopback (2 cores, SHA-NI): hashing 1 GiB takes ~0.65 s, about as long as curl
 * takes to receive it, so hashing on the receiving thread halved throughput. The caller takes a
 * buffer, fills it, hands it over with {@link #update}, and may keep reading it (to write it out or
 * copy it on) until it takes a buffer again; at most {@value #BUFFERS} buffers bound memory and make
 * a slow hasher hold the receiver back. Chunks queue up behind one drain task at a time, so an
 * executor thread is woken only when the hasher had caught up. With {@code Runnable::run} as the
 * executor, hashing is inline. One caller thread; {@link #close} when done.
 */
final class BlobHasher implements AutoCloseable {
    /**
     * Buffers are allocated only while the hasher lags, so a small blob takes one. Why this many: the
     * receiver, the hasher and the registry share the cores, and whenever the hasher falls behind
     * far enough to stall the receiver, the registry stalls too (TCP window) and a core idles. On
     * loopback (1 GiB, 2 cores) 4 MiB of slack gave a pull of ~1.02 s, 16 MiB ~0.96 s, 32 MiB ~0.94 s.
     */
    static final int BUFFERS = 16;

    private final Executor executor;
    private final MessageDigest md = Digest.newHasher();
    private final int bufferBytes;
    private final boolean direct;
    private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
    private final Queue<Chunk> queued = new ArrayDeque<>();
    private boolean draining;
    private int allocated;

    /** A buffer and the bytes of it to hash (a view: the caller may move the buffer's own position). */
    private record Chunk(ByteBuffer buffer, ByteBuffer bytes) {}

    /**
     * @param bufferBytes size of each buffer
     * @param direct direct buffers, which socket channels fill and file channels write without a copy
     */
    BlobHasher(Executor executor, int bufferBytes, boolean direct) {
        this.executor = executor;
        this.bufferBytes = bufferBytes;
        this.direct = direct;
    }

    /** A cleared buffer to fill; waits while all are queued for hashing. */
    ByteBuffer buffer() throws InterruptedIOException {
        ByteBuffer ready = free.poll();
        if (ready == null && allocated < BUFFERS) {
            allocated++;
            ready = direct ? DirectBuffers.take(bufferBytes) : ByteBuffer.allocate(bufferBytes);
        }
        try {
            if (ready == null) ready = free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for the blob hasher");
        }
        return ready.clear();
    }

    /** Hashes the remaining bytes of a buffer from {@link #buffer()} after those handed over before. */
    void update(ByteBuffer buffer) throws IOException {
        boolean start;
        synchronized (this) {
            queued.add(new Chunk(buffer, buffer.duplicate()));
            start = !draining;
            draining = true;
        }
        if (!start) return;
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                draining = false;
                queued.clear();
                notifyAll();
            }
            throw new IOException("blob hasher refused the work (client closed?)", e);
        }
    }

    private void drain() {
        while (true) {
            Chunk chunk;
            synchronized (this) {
                chunk = queued.poll();
                if (chunk == null) {
                    draining = false;
                    notifyAll();
                    return;
                }
            }
            md.update(chunk.bytes());
            free.add(chunk.buffer());
        }
    }

    /** Gives an unused buffer back. */
    void release(ByteBuffer buffer) {
        free.add(buffer);
    }

    /**
     * Passes the buffers that are back from hashing on to the next transfer. The caller uses none of
     * them any more; buffers still queued (after a failure) are left to the GC.
     */
    @Override
    public void close() {
        if (!direct) return;
        for (ByteBuffer b; (b = free.poll()) != null; ) DirectBuffers.give(b);
    }

    /** The digest of everything handed over, once it is hashed. */
    Digest digest() throws InterruptedIOException {
        synchronized (this) {
            try {
                while (draining) wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for the blob hasher");
            }
            return Digest.of(md);
        }
    }
}
