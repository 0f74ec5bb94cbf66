package dev.soci4j.ztoc.zran;

import dev.soci4j.ztoc.Arrival;
import dev.soci4j.ztoc.InvalidLayerException;
import dev.soci4j.ztoc.InvalidZtocException;
import dev.soci4j.ztoc.zlib.ZlibDataException;
import dev.soci4j.ztoc.zlib.ZlibInflater;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Decompresses part of one span from its checkpoint ({@code soci-format.md §2}, "Reading span i"),
 * given only that span's compressed bytes: {@code [in_i - (bits_i ? 1 : 0), in_{i+1})}, the last span
 * running to the end of the layer.
 *
 * <p>Raw inflate primed with the borrowed bits and the checkpoint's window; output before the wanted
 * range is discarded, and inflation stops as soon as the range is complete. A gzip member ending
 * inside the span is followed into the next one (trailer skipped, header parsed).
 *
 * <p>Immutable and safe for concurrent use: each call has its own native inflate state, freed before
 * it returns.
 */
public final class SpanInflater {
    private static final int DISCARD_BYTES = 64 << 10;
    private static final int STAGING_BYTES = 256 << 10;
    private static final int GZIP_TRAILER_BYTES = 8;

    private final GzipCheckpoints checkpoints;
    private final long uncompressedSizeBytes;

    /**
     * @param uncompressedSizeBytes where the last span ends (the zTOC's uncompressed archive size)
     * @throws InvalidZtocException the size ends before the last checkpoint
     */
    public SpanInflater(GzipCheckpoints checkpoints, long uncompressedSizeBytes) throws InvalidZtocException {
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
        long lastOut = checkpoints.checkpoints().getLast().out();
        if (uncompressedSizeBytes < lastOut) {
            throw new InvalidZtocException("uncompressed size %d ends before the last span starts at %d"
                    .formatted(uncompressedSizeBytes, lastOut));
        }
        this.uncompressedSizeBytes = uncompressedSizeBytes;
    }

    public GzipCheckpoints checkpoints() {
        return checkpoints;
    }

    /** Uncompressed offset where span {@code spanId} starts. */
    public long spanStart(int spanId) throws InvalidZtocException {
        return checkpoint(spanId).out();
    }

    /** Uncompressed offset where span {@code spanId} ends (exclusive). */
    public long spanEnd(int spanId) throws InvalidZtocException {
        checkpoint(spanId);
        return spanId + 1 < checkpoints.spanCount() ? checkpoints.checkpoint(spanId + 1).out() : uncompressedSizeBytes;
    }

    /**
     * Decompresses {@code length} bytes from uncompressed offset {@code from} of span {@code spanId}
     * into {@code dst[dstOffset..]}, for callers that hold the span's compressed bytes in an array.
     * Without the layer's uncompressed size, the end of the last span is where its data ends.
     *
     * @throws InvalidZtocException  no such span, or the range is not inside it
     * @throws InvalidLayerException the compressed bytes are corrupt or end before the range does
     */
    public static void inflate(GzipCheckpoints checkpoints, int spanId, byte[] spanCompressed, long from,
                               byte[] dst, int dstOffset, int length) throws IOException {
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        new SpanInflater(checkpoints, Long.MAX_VALUE)
                .read(spanId, ByteBuffer.wrap(spanCompressed), from, from + length, ByteBuffer.wrap(dst, dstOffset, length));
    }

    /** Convenience form of {@link #read(int, ByteBuffer, long, long, ByteBuffer)} into a new array. */
    public byte[] read(int spanId, ByteBuffer spanCompressed, long from, long to) throws IOException {
        checkRange(spanId, from, to);
        byte[] result = new byte[Math.toIntExact(to - from)];
        read(spanId, spanCompressed, from, to, ByteBuffer.wrap(result));
        return result;
    }

    /**
     * Decompresses the uncompressed range {@code [from, to)}, which must lie inside span {@code spanId},
     * into {@code dest} at its position (advanced by {@code to - from}). {@code spanCompressed}'s
     * remaining bytes are the span's compressed bytes; its position is left unchanged.
     *
     * @throws InvalidZtocException  no such span, or the range is not inside it
     * @throws InvalidLayerException the compressed bytes are corrupt or end before {@code to}
     */
    public void read(int spanId, ByteBuffer spanCompressed, long from, long to, ByteBuffer dest) throws IOException {
        read(spanId, spanCompressed, from, to, dest, null);
    }

    /**
     * {@link #read(int, ByteBuffer, long, long, ByteBuffer)} from a heap buffer that a download is
     * still filling: compressed bytes are taken only as {@code arrival} reports them in place (its
     * counts are positions in the buffer's array), so inflating keeps pace with the download.
     */
    public void read(int spanId, ByteBuffer spanCompressed, long from, long to, ByteBuffer dest, Arrival arrival) throws IOException {
        if (arrival != null && !spanCompressed.hasArray())
            throw new IllegalArgumentException("a span being downloaded must be in a heap buffer");
        Checkpoint checkpoint = checkRange(spanId, from, to);
        int wanted = Math.toIntExact(to - from);
        if (dest.remaining() < wanted) {
            throw new IllegalArgumentException("destination has %d bytes left, %d wanted".formatted(dest.remaining(), wanted));
        }
        if (wanted == 0) return;
        try (ZlibInflater inflater = ZlibInflater.open(ZlibInflater.Format.RAW)) {
            new Run(spanId, checkpoint, inflater, spanCompressed, arrival).inflate(from - checkpoint.out(), wanted, dest);
        }
    }

    private Checkpoint checkpoint(int spanId) throws InvalidZtocException {
        if (spanId < 0 || spanId >= checkpoints.spanCount()) {
            throw new InvalidZtocException("span %d does not exist: the layer has spans 0..%d"
                    .formatted(spanId, checkpoints.spanCount() - 1));
        }
        return checkpoints.checkpoint(spanId);
    }

    private Checkpoint checkRange(int spanId, long from, long to) throws InvalidZtocException {
        Checkpoint checkpoint = checkpoint(spanId);
        long end = spanEnd(spanId);
        if (from < checkpoint.out() || to > end || from > to) {
            throw new InvalidZtocException("uncompressed range [%d, %d) is not inside span %d [%d, %d)"
                    .formatted(from, to, spanId, checkpoint.out(), end));
        }
        return checkpoint;
    }

    /** One read: the inflate state and the input cursor. */
    private static final class Run {
        private final int spanId;
        private final Checkpoint checkpoint;
        private final ZlibInflater inflater;
        private final ByteBuffer source;  // the span's bytes; read in place when direct
        private final ByteBuffer staged;  // native copy of part of a heap source, else null
        private final int sourceStart;
        private final Arrival arrival;   // null: every byte of source is there

        Run(int spanId, Checkpoint checkpoint, ZlibInflater inflater, ByteBuffer spanCompressed, Arrival arrival) {
            this.arrival = arrival;
            this.spanId = spanId;
            this.checkpoint = checkpoint;
            this.inflater = inflater;
            this.source = spanCompressed.duplicate();
            this.sourceStart = source.position();
            this.staged = source.isDirect() ? null : inflater.allocate(Math.min(STAGING_BYTES, Math.max(1, source.remaining()))).limit(0);
        }

        void inflate(long skip, int wanted, ByteBuffer dest) throws IOException {
            if (checkpoint.bits() != 0) {
                int first = nextByte();
                if (first < 0) throw new InvalidLayerException("span %d: no compressed bytes".formatted(spanId));
                inflater.prime(checkpoint.bits(), first >> (8 - checkpoint.bits()));
            }
            inflater.setDictionary(checkpoint.window());
            ByteBuffer discard = skip > 0 ? inflater.allocate((int) Math.min(DISCARD_BYTES, skip)) : null;
            boolean direct = dest.isDirect();
            ByteBuffer target = direct ? dest.duplicate().limit(dest.position() + wanted)
                    : inflater.allocate(Math.min(STAGING_BYTES, wanted));
            long produced = 0; // uncompressed bytes since the checkpoint
            int delivered = 0;
            while (delivered < wanted) {
                ByteBuffer out;
                if (skip > produced) {
                    out = discard.clear().limit((int) Math.min(discard.capacity(), skip - produced));
                } else if (direct) {
                    out = target;
                } else {
                    out = target.clear().limit(Math.min(target.capacity(), wanted - delivered));
                }
                ByteBuffer in = input();
                int inBefore = in.remaining();
                int outBefore = out.position();
                ZlibInflater.Status status;
                try {
                    status = inflater.inflate(in, out, ZlibInflater.Flush.NO_FLUSH);
                } catch (ZlibDataException e) {
                    throw new InvalidLayerException("span %d: corrupt deflate data at compressed offset %d: %s"
                            .formatted(spanId, offset(), e.zlibMessage()), e);
                }
                int n = out.position() - outBefore;
                produced += n;
                if (out != discard) {
                    if (!direct) dest.put(out.flip());
                    delivered += n;
                }
                if (status == ZlibInflater.Status.STREAM_END) {
                    if (delivered < wanted) nextMember(checkpoint.out() + produced);
                } else if (n == 0 && inBefore == in.remaining()) {
                    if (exhausted()) {
                        throw new InvalidLayerException("span %d: compressed bytes end at uncompressed offset %d, before %d"
                                .formatted(spanId, checkpoint.out() + produced, checkpoint.out() + skip + wanted));
                    }
                    throw new IllegalStateException("inflate made no progress in span " + spanId);
                }
            }
            if (direct) dest.position(dest.position() + wanted);
        }

        /** A member ended inside the span: skip its trailer and the next member's header, then go on. */
        private void nextMember(long uncompressedOffset) throws IOException {
            String where = "span %d at compressed offset %d".formatted(spanId, offset());
            for (int i = 0; i < GZIP_TRAILER_BYTES; i++) {
                if (nextByte() < 0) {
                    throw new InvalidLayerException("span %d: compressed bytes end in a gzip trailer at uncompressed offset %d"
                            .formatted(spanId, uncompressedOffset));
                }
            }
            if (exhausted()) {
                throw new InvalidLayerException("span %d: the layer ends at uncompressed offset %d, inside the wanted range"
                        .formatted(spanId, uncompressedOffset));
            }
            GzipHeader.skip(() -> {
                try {
                    return nextByte();
                } catch (InvalidLayerException e) {
                    throw e;
                } catch (IOException e) {
                    throw new InvalidLayerException(where + ": " + e.getMessage(), e);
                }
            }, where);
            inflater.reset();
        }

        private ByteBuffer input() throws IOException {
            if (staged == null) return source;
            if (!staged.hasRemaining() && source.hasRemaining()) {
                int ready = source.limit();
                if (arrival != null) ready = Math.min(ready, arrival.await(source.arrayOffset() + source.position()) - source.arrayOffset());
                int length = Math.min(staged.capacity(), ready - source.position());
                staged.clear().put(0, source, source.position(), length).limit(length);
                source.position(source.position() + length);
            }
            return staged;
        }

        private int nextByte() throws IOException {
            ByteBuffer in = input();
            return in.hasRemaining() ? in.get() & 0xff : -1;
        }

        private boolean exhausted() throws IOException {
            return !input().hasRemaining();
        }

        /** Layer offset of the next compressed byte. */
        private long offset() {
            long consumed = source.position() - sourceStart - (staged == null ? 0 : staged.remaining());
            return checkpoint.compressedStart() + consumed;
        }
    }
}
