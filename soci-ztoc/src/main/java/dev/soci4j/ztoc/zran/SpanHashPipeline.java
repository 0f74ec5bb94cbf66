package dev.soci4j.ztoc.zran;

import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Hashes the layer's compressed bytes on a second thread while the indexer inflates them, in bounded
 * memory: a few fixed slots go round between the two threads. The indexer fills a slot, inflates
 * from it, notes the checkpoints found ({@link #cut}), and {@link #submit submits} it when full.
 *
 * <p>SHA-256 of the compressed bytes is a noticeable share of an inflate pass, so it runs beside
 * inflate instead of inline (on a 200 MB layer it then added about 4% wall time, on 2 cores). A layer
 * that fits in one slot is hashed on the calling thread and never starts the worker.
 *
 * <p>Used by one thread at a time (the indexer's); {@link #close()} stops the worker.
 */
final class SpanHashPipeline implements AutoCloseable {
    private static final class Slot {
        final ByteBuffer buffer;
        final List<SpanDigester.Cut> cuts = new ArrayList<>();

        Slot(ByteBuffer buffer) {
            this.buffer = buffer;
        }
    }

    private static final Slot END = new Slot(ByteBuffer.allocate(0));

    private final SpanDigester digester = new SpanDigester();
    private final IntFunction<ByteBuffer> allocator;
    private final int slotSize;
    private final int slotCount;
    private final BlockingQueue<Slot> free;
    private final BlockingQueue<Slot> work;
    private int allocated;
    private Slot current;
    private Thread worker;
    private volatile Throwable workerFailure;

    /** @param allocator makes the slots' direct buffers; they must stay valid until {@link #close()} */
    SpanHashPipeline(int slotSize, int slotCount, IntFunction<ByteBuffer> allocator) {
        this.slotSize = slotSize;
        this.slotCount = slotCount;
        this.allocator = allocator;
        this.free = new ArrayBlockingQueue<>(slotCount);
        this.work = new ArrayBlockingQueue<>(slotCount + 1);
    }

    /** The slot being filled: bytes go at its position; it is full when nothing remains. */
    ByteBuffer buffer() throws InterruptedIOException {
        if (current == null) current = takeFree();
        return current.buffer;
    }

    /** A checkpoint found while inflating the current slot's bytes. */
    void cut(long in, int bits) {
        current.cuts.add(new SpanDigester.Cut(in, bits));
    }

    /** Hands the current slot (if any) to the worker. */
    void submit() throws InterruptedIOException {
        if (current == null) return;
        if (worker == null) {
            worker = Thread.ofPlatform().daemon().name("soci4j-span-sha256").start(this::work);
        }
        put(current);
        current = null;
    }

    /** Waits for all bytes to be hashed; returns each span's digest. */
    List<String> finish() throws InterruptedIOException {
        if (worker == null) {
            if (current != null) hash(current);
            current = null;
        } else {
            submit();
            put(END);
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while hashing spans");
            }
            rethrowWorkerFailure();
        }
        return digester.finish();
    }

    @Override
    public void close() {
        if (worker != null && worker.isAlive()) {
            worker.interrupt();
            boolean interrupted = false;
            while (worker.isAlive()) {
                try {
                    worker.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private void work() {
        try {
            while (true) {
                Slot slot = work.take();
                if (slot == END) return;
                hash(slot);
                free.put(slot);
            }
        } catch (InterruptedException e) {
            // closed before finishing: the indexer failed or was abandoned
        } catch (RuntimeException | Error e) {
            workerFailure = e;
        }
    }

    private void hash(Slot slot) {
        digester.consume(slot.buffer.flip(), slot.cuts);
        slot.buffer.clear();
        slot.cuts.clear();
    }

    private Slot takeFree() throws InterruptedIOException {
        Slot slot = free.poll();
        if (slot != null) return slot;
        if (allocated < slotCount) {
            allocated++;
            return new Slot(allocator.apply(slotSize));
        }
        try {
            while (true) {
                slot = free.poll(50, TimeUnit.MILLISECONDS);
                if (slot != null) return slot;
                rethrowWorkerFailure();
                if (!worker.isAlive()) throw new IllegalStateException("span hashing thread ended early");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for span hashing");
        }
    }

    private void put(Slot slot) throws InterruptedIOException {
        try {
            work.put(slot); // never blocks long: there are only slotCount slots and one END
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while handing bytes to span hashing");
        }
    }

    private void rethrowWorkerFailure() {
        Throwable failure = workerFailure;
        if (failure instanceof RuntimeException r) throw new IllegalStateException("span hashing failed", r);
        if (failure instanceof Error e) throw e;
    }
}
