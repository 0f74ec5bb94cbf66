package dev.soci4j.ztoc.zran;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Where a span starts ({@code soci-format.md §2}): decompression can resume here with raw inflate.
 *
 * <p>The window is kept as a read-only view, not copied: a parsed blob of 256 checkpoints holds
 * 8 MiB of windows, and copying each of them again buys nothing. {@link #window()} returns a fresh
 * read-only view (position 0, 32768 bytes remaining) each time.
 *
 * @param in     compressed offset of the first whole byte of the span
 * @param out    uncompressed offset where the span starts
 * @param bits   0..7: how many high bits of byte {@code in - 1} belong to this span
 * @param window the 32 KiB of uncompressed data just before {@code out}, zero-filled at the start
 */
public record Checkpoint(long in, long out, int bits, ByteBuffer window) {
    /** Bytes of history in a checkpoint (deflate's maximum match distance). */
    public static final int WINDOW_SIZE = 32768;

    private static final ByteBuffer ZERO_WINDOW = ByteBuffer.allocate(WINDOW_SIZE).asReadOnlyBuffer();

    public Checkpoint {
        Objects.requireNonNull(window, "window");
        if (in < 0 || out < 0) throw new IllegalArgumentException("checkpoint: negative offset in=%d out=%d".formatted(in, out));
        if (bits < 0 || bits > 7) throw new IllegalArgumentException("checkpoint at in=%d: bits must be 0..7, got %d".formatted(in, bits));
        if (bits != 0 && in == 0) throw new IllegalArgumentException("checkpoint at in=0 cannot borrow bits from byte -1");
        if (window.remaining() != WINDOW_SIZE) {
            throw new IllegalArgumentException("checkpoint at in=%d: window must be %d bytes, got %d"
                    .formatted(in, WINDOW_SIZE, window.remaining()));
        }
        window = window.slice().asReadOnlyBuffer();
    }

    /** The start of a gzip stream's first span: just after a header of {@code headerLength} bytes. */
    public static Checkpoint first(long headerLength) {
        return new Checkpoint(headerLength, 0, 0, ZERO_WINDOW);
    }

    @Override
    public ByteBuffer window() {
        return window.duplicate();
    }

    /** Compressed offset where the span's bytes start: one earlier when it borrows bits of that byte. */
    public long compressedStart() {
        return in - (bits != 0 ? 1 : 0);
    }

    @Override
    public String toString() {
        return "Checkpoint[in=%d, out=%d, bits=%d]".formatted(in, out, bits);
    }
}
