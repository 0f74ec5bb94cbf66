package dev.soci4j.index.build;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a source channel ahead on a virtual thread into a few fixed buffers, so the network read of
 * a layer overlaps its inflate on the CPU pool. Memory is bounded: {@code depth} chunks of
 * {@code chunkBytes}. Failures of the source (including the digest check at its end) surface on the
 * consumer's next read. One consumer; {@link #close()} stops the reader and closes the source.
 */
final class ReadAheadChannel implements ReadableByteChannel {
    private static final ByteBuffer END = ByteBuffer.allocate(0);

    private final ReadableByteChannel source;
    private final BlockingQueue<Object> queue;
    private final Thread reader;
    private ByteBuffer current = ByteBuffer.allocate(0);
    private boolean ended;
    private volatile boolean closed;

    ReadAheadChannel(ReadableByteChannel source, int chunkBytes, int depth) {
        this.source = source;
        this.queue = new ArrayBlockingQueue<>(depth);
        this.reader = Thread.ofVirtual().name("soci-read-ahead").start(() -> pump(chunkBytes));
    }

    private void pump(int chunkBytes) {
        try {
            while (!closed) {
                ByteBuffer chunk = ByteBuffer.allocate(chunkBytes);
                int n = 0;
                while (chunk.hasRemaining() && (n = source.read(chunk)) >= 0) { /* fill */ }
                chunk.flip();
                if (chunk.hasRemaining()) queue.put(chunk);
                if (n < 0) {
                    queue.put(END);
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closed by the consumer
        } catch (IOException | RuntimeException e) {
            try {
                queue.put(e);
            } catch (InterruptedException ignored) {
                // closed by the consumer: nobody is left to tell
            }
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (closed) throw new ClosedChannelException();
        if (ended) return -1;
        while (!current.hasRemaining()) {
            Object next;
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading a layer");
            }
            if (next == END) {
                ended = true;
                return -1;
            }
            if (next instanceof IOException e) throw e;
            if (next instanceof RuntimeException e) throw e;
            current = (ByteBuffer) next;
        }
        int n = Math.min(dst.remaining(), current.remaining());
        dst.put(dst.position(), current, current.position(), n);
        dst.position(dst.position() + n);
        current.position(current.position() + n);
        return n;
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        reader.interrupt();
        try {
            source.close();
        } finally {
            try {
                // the source's close aborts a blocked read; don't hang forever on one that ignores it
                reader.join(java.time.Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
