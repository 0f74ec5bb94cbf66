package dev.soci4j.ztoc;

import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * How far an array being filled by a download has got, so that a consumer can work on the bytes
 * already there while the rest arrive (a span is inflated while it downloads). The filler reports
 * with {@link #advance}; a consumer waits with {@link #await}. A filler that starts over (a retried
 * request) makes the arrival {@link #restarted()}: what a consumer read before may have been other
 * bytes, so its work must be redone on the final ones. Thread-safe.
 */
public final class Arrival {
    private final int total;
    private int arrived;
    private boolean restarted;
    private IOException failure;

    /** @param total how many bytes the array will hold */
    public Arrival(int total) {
        this.total = total;
    }

    /** {@code count} bytes from the start are in place; less than before means the filler started over. */
    public synchronized void advance(int count) {
        if (count < arrived) restarted = true;
        arrived = Math.min(count, total);
        notifyAll();
    }

    /** The filler gave up: waiting consumers get this error. */
    public synchronized void fail(IOException e) {
        failure = e;
        notifyAll();
    }

    /** Whether the filler started over at least once. */
    public synchronized boolean restarted() {
        return restarted;
    }

    /** Blocks until more than {@code position} bytes have arrived, or all have; returns how many have. */
    public synchronized int await(int position) throws IOException {
        while (arrived <= position && arrived < total) {
            if (failure != null) throw new IOException("the download being read ended: " + failure.getMessage(), failure);
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for downloaded bytes");
            }
        }
        return arrived;
    }
}
