package dev.soci4j.index.build;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a source once, on a virtual thread, and hands every chunk to several consumers ("branches"),
 * each reading at its own pace from a bounded queue: a layer streams to its zTOC builder and to the
 * destination at the same time. Memory is bounded (each branch's {@code depth} chunks of
 * {@code chunkBytes}, chunks shared read-only between branches); the slowest branch sets the pace.
 *
 * <p>The source's end (-1, which for a verifying source means verified) and its failures reach
 * every branch. Closing a branch before its end detaches it (the others go on: a destination that
 * already has the blob reads nothing). {@link #abort} fails every branch's next read with the cause,
 * so one side's failure stops the other; {@link #failure()} is the first cause. {@link #close()}
 * aborts if still running, stops the reader and closes the source. One consumer per branch.
 */
final class TeeChannel implements AutoCloseable {
    private static final ByteBuffer END = ByteBuffer.allocate(0);

    private final ReadableByteChannel source;
    private final List<Branch> branches = new ArrayList<>();
    private final Thread reader;
    private volatile Throwable failure;
    private volatile boolean closed;

    /** @param depths one bounded queue per branch, of this many chunks each (at least 2) */
    TeeChannel(ReadableByteChannel source, int chunkBytes, int... depths) {
        this.source = source;
        for (int depth : depths) {
            if (depth < 2) throw new IllegalArgumentException("branch depth must be >= 2, got " + depth);
            branches.add(new Branch(depth));
        }
        this.reader = Thread.ofVirtual().name("soci-tee").start(() -> pump(chunkBytes));
    }

    ReadableByteChannel branch(int i) {
        return branches.get(i);
    }

    /** The cause {@link #abort} was first called with, or null. */
    Throwable failure() {
        return failure;
    }

    /** Fails every branch's next read with {@code cause} (the first cause wins) and stops reading the source. */
    void abort(Throwable cause) {
        synchronized (this) {
            if (failure != null) return;
            failure = cause;
        }
        reader.interrupt();
        for (Branch b : branches) {
            // room for the marker: the reader adds at most one chunk after the clear; the branch checks failure anyway
            b.queue.clear();
            b.queue.offer(END);
        }
    }

    private void pump(int chunkBytes) {
        try {
            while (failure == null && !branches.stream().allMatch(b -> b.detached)) {
                ByteBuffer chunk = ByteBuffer.allocate(chunkBytes);
                int n = 0;
                while (chunk.hasRemaining() && (n = source.read(chunk)) >= 0) { /* fill */ }
                chunk.flip();
                if (chunk.hasRemaining()) for (Branch b : branches) b.offer(chunk.asReadOnlyBuffer());
                if (n < 0) {
                    for (Branch b : branches) b.offer(END);
                    return;
                }
            }
        } catch (InterruptedException | java.nio.channels.ClosedByInterruptException e) {
            // aborted or closed: the branches were told
        } catch (IOException | RuntimeException e) {
            if (failure != null) return; // aborted: the source was closed under the read
            for (Branch b : branches) {
                try {
                    b.offer(e);
                } catch (InterruptedException stopped) {
                    return; // aborted meanwhile: the branches were told
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        if (reader.isAlive()) abort(new IOException("stream closed before its end"));
        try {
            source.close();
        } finally {
            try {
                // closing the source aborts a blocked read; don't hang forever on one that ignores it
                reader.join(java.time.Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private final class Branch implements ReadableByteChannel {
        final BlockingQueue<Object> queue;
        private ByteBuffer current = ByteBuffer.allocate(0);
        private boolean ended;
        private volatile boolean detached;

        Branch(int depth) {
            this.queue = new ArrayBlockingQueue<>(depth);
        }

        /** Called by the reader only; waits for room, but not for a branch that was detached or aborted meanwhile. */
        void offer(Object item) throws InterruptedException {
            while (!detached && failure == null) {
                if (queue.offer(item, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) return;
            }
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (detached) throw new ClosedChannelException();
            if (ended) return -1;
            while (!current.hasRemaining()) {
                failIfAborted();
                Object next;
                try {
                    next = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading a layer");
                }
                failIfAborted();
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

        private void failIfAborted() throws IOException {
            Throwable cause = failure;
            if (cause == null) return;
            throw new IOException("stopped: " + cause.getMessage(), cause);
        }

        @Override
        public boolean isOpen() {
            return !detached;
        }

        /** Detaches this branch: the reader stops feeding it (and is unblocked if it waited on it). */
        @Override
        public void close() {
            detached = true;
            queue.clear();
        }
    }
}
