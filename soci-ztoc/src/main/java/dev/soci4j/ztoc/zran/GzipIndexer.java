package dev.soci4j.ztoc.zran;

import dev.soci4j.ztoc.InvalidLayerException;
import dev.soci4j.ztoc.InvalidZtocException;
import dev.soci4j.ztoc.UnsupportedLayerException;
import dev.soci4j.ztoc.zlib.ZlibDataException;
import dev.soci4j.ztoc.zlib.ZlibInflater;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.List;
import java.util.Objects;

/**
 * Builds a gzip layer's checkpoints and span digests in one streaming pass ({@code soci-format.md §2}),
 * handing every uncompressed byte, in order, to a sink (the tar scanner) on the way.
 *
 * <p>Checkpoints match the reference builder exactly: the first just after the first member's header;
 * then at a deflate block boundary that is not the end of a member's last block, once the output since
 * the previous checkpoint is strictly greater than the span size. Multi-member layers (pigz,
 * concatenated files) are read as one stream with continuous offsets; the boundary right after a
 * later member's header is never a checkpoint (as in the reference's Go builder).
 *
 * <p>zlib inflates raw deflate data; the gzip framing (headers, trailers) is parsed here by
 * {@link GzipMemberFraming}, which checks each member's CRC-32 and ISIZE with the JDK's intrinsic
 * {@code CRC32} on the output ring: zlib's own CRC in gzip mode (windowBits 31) cost ~7% of the inflate
 * thread's CPU on the benchmark layer (zlib 1.2.13), the JDK's next to nothing.
 * Compressed offsets count every byte, headers and trailers included, exactly as zlib did in gzip mode.
 *
 * <p>Feed compressed bytes in chunks of any size, then call {@link #finish()}. Any failure closes the
 * indexer. Not thread-safe: one thread at a time, though not always the same one. Close it when
 * abandoning it before {@code finish()}; {@code finish()} closes it itself.
 */
public final class GzipIndexer implements AutoCloseable {
    /**
     * Receives uncompressed bytes in order. The buffer is a read-only view of native memory, valid
     * only during the call.
     */
    @FunctionalInterface
    public interface UncompressedSink {
        void accept(ByteBuffer uncompressed) throws IOException;
    }

    // 1 MiB input slots amortise the hand-off to the hashing thread; three let it lag a slot behind
    // while inflate fills the next (bounded memory: 3 MiB in, 256 KiB out). The ring stays in L2.
    // Not tuned beyond one measurement: +9% over BareInflate on a 200 MB layer (see BareInflate).
    private static final int INPUT_SLOT_BYTES = 1 << 20;
    private static final int INPUT_SLOTS = 3;
    private static final int OUTPUT_RING_BYTES = 256 << 10;

    private final long spanSizeBytes;
    private final UncompressedSink sink;
    private final ZlibInflater inflater;
    private final GzipMemberFraming framing = new GzipMemberFraming();
    private final OutputRing ring;
    private final SpanHashPipeline hashing;
    private final CheckpointBlobWriter checkpoints;

    private long totalIn;          // compressed bytes consumed by inflate
    private long totalOut;         // uncompressed bytes produced
    private long lastCheckpointOut;
    private int member;            // index of the gzip member being read
    private long memberStart;      // compressed offset where it starts
    private Phase phase = Phase.HEADER;
    private State state = State.OPEN;
    private boolean released;

    private enum State { OPEN, FINISHED, FAILED }

    /** Where in the current member the next compressed byte is; ENDED: after its trailer (more input starts another). */
    private enum Phase { HEADER, DATA, TRAILER, ENDED }

    /**
     * @param spanSizeBytes minimum uncompressed bytes per span (the zTOC's span size)
     * @param sink          gets every uncompressed byte, in order
     */
    public GzipIndexer(long spanSizeBytes, UncompressedSink sink) throws IOException {
        if (spanSizeBytes <= 0) throw new IllegalArgumentException("span size must be positive: " + spanSizeBytes);
        this.spanSizeBytes = spanSizeBytes;
        this.sink = Objects.requireNonNull(sink, "sink");
        this.checkpoints = new CheckpointBlobWriter(spanSizeBytes);
        this.inflater = ZlibInflater.openShared(ZlibInflater.Format.RAW);
        this.ring = new OutputRing(inflater.allocate(OUTPUT_RING_BYTES));
        this.hashing = new SpanHashPipeline(INPUT_SLOT_BYTES, INPUT_SLOTS, inflater::allocate);
        framing.startHeader();
    }

    /** Inflates the next compressed bytes (all of {@code compressed}'s remaining bytes are consumed). */
    public void feed(ByteBuffer compressed) throws IOException {
        checkOpen();
        try {
            while (compressed.hasRemaining()) {
                ByteBuffer slot = hashing.buffer();
                int start = slot.position();
                int length = Math.min(slot.remaining(), compressed.remaining());
                slot.put(start, compressed, compressed.position(), length);
                compressed.position(compressed.position() + length);
                slot.position(start + length);
                inflate(slot.duplicate().position(start).limit(start + length));
                if (!slot.hasRemaining()) hashing.submit();
            }
        } catch (IOException | RuntimeException | Error e) {
            fail();
            throw e;
        }
    }

    /**
     * Reads the next compressed bytes from {@code channel} straight into the hashing slot (no copy)
     * and inflates them; returns false, having read nothing, at the end of the channel.
     */
    public boolean feed(ReadableByteChannel channel) throws IOException {
        checkOpen();
        try {
            ByteBuffer slot = hashing.buffer();
            int start = slot.position();
            int n;
            do {
                n = channel.read(slot);
            } while (n == 0 && slot.hasRemaining());
            if (n < 0 && slot.position() == start) return false;
            inflate(slot.duplicate().position(start).limit(slot.position()));
            if (!slot.hasRemaining()) hashing.submit();
            return true;
        } catch (IOException | RuntimeException | Error e) {
            fail();
            throw e;
        }
    }

    /**
     * Ends the pass: checks that the layer ended right after a gzip member, and returns the index.
     *
     * @throws InvalidLayerException the layer is empty or ends inside a member
     */
    public GzipIndex finish() throws IOException {
        checkOpen();
        try {
            if (phase != Phase.ENDED) {
                throw new InvalidLayerException(totalIn == 0 && member == 0 && checkpoints.count() == 0
                        ? "gzip layer is empty"
                        : "gzip layer is truncated: it ends inside member %d at compressed offset %d"
                                .formatted(member, totalIn));
            }
            List<String> digests = hashing.finish();
            ByteBuffer blob = checkpoints.finish();
            GzipIndex index = new GzipIndex(views(blob), blob, digests, totalIn, totalOut);
            state = State.FINISHED;
            return index;
        } catch (IOException | RuntimeException | Error e) {
            fail();
            throw e;
        } finally {
            releaseNative();
        }
    }

    /** Stops the pass without a result, freeing the native memory and the hashing thread. Idempotent. */
    @Override
    public void close() {
        if (state == State.OPEN) state = State.FAILED;
        releaseNative();
    }

    private void inflate(ByteBuffer in) throws IOException {
        while (in.hasRemaining()) {
            switch (phase) {
                case ENDED -> { // more input after a member: the next member's header, or garbage
                    member++;
                    memberStart = totalIn;
                    framing.startHeader();
                    phase = Phase.HEADER;
                }
                case HEADER -> header(in);
                case DATA -> inflateData(in);
                case TRAILER -> trailer(in);
            }
        }
    }

    private void header(ByteBuffer in) throws IOException {
        int before = in.position();
        boolean done;
        try {
            done = framing.header(in);
        } catch (GzipMemberFraming.FramingException e) {
            totalIn += in.position() - before;
            String what = member == 0 ? "not a gzip layer" : "data after gzip member %d is not a gzip member".formatted(member - 1);
            throw new InvalidLayerException("%s at compressed offset %d: %s".formatted(what, memberStart, e.getMessage()));
        }
        totalIn += in.position() - before;
        if (!done) return;
        framing.startData();
        phase = Phase.DATA;
        if (member == 0) { // the first checkpoint is just after the first member's header
            checkpoints.add(totalIn, 0, 0, ring); // no output yet: a zero window
            hashing.cut(totalIn, 0);
            lastCheckpointOut = 0;
        }
    }

    private void inflateData(ByteBuffer in) throws IOException {
        int inBefore = in.remaining();
        ByteBuffer out = ring.writable();
        ZlibInflater.Status status;
        try {
            status = inflater.inflate(in, out, ZlibInflater.Flush.BLOCK);
        } catch (ZlibDataException e) {
            throw corrupt(totalIn + (inBefore - in.remaining()), e.zlibMessage(), e);
        }
        totalIn += inBefore - in.remaining();
        ByteBuffer produced = ring.written();
        if (produced.hasRemaining()) {
            totalOut += produced.remaining();
            framing.data(produced);
            sink.accept(produced);
        }
        switch (status) {
            case STREAM_END -> {
                inflater.reset(); // raw inflate state, ready for the next member's deflate data
                phase = Phase.TRAILER;
            }
            case OK -> considerCheckpoint(inflater.dataType());
            case NEEDS_INPUT_OR_OUTPUT -> {
                // the ring always has room, so zlib wants input; the loop ends when it has none
                if (in.hasRemaining()) throw new IllegalStateException("inflate made no progress with input left");
            }
        }
    }

    private void trailer(ByteBuffer in) throws IOException {
        int before = in.position();
        boolean done;
        try {
            done = framing.trailer(in);
        } catch (GzipMemberFraming.FramingException e) {
            throw corrupt(totalIn + (in.position() - before), e.getMessage(), null);
        } finally {
            totalIn += in.position() - before;
        }
        if (done) phase = Phase.ENDED;
    }

    private void considerCheckpoint(int dataType) throws IOException {
        boolean blockBoundary = (dataType & 128) != 0 && (dataType & 64) == 0;
        if (!blockBoundary) return;
        if (totalOut - lastCheckpointOut > spanSizeBytes) {
            if (checkpoints.count() == GzipCheckpoints.MAX_CHECKPOINTS) {
                throw new UnsupportedLayerException(("gzip layer needs more than %d spans at span size %d "
                        + "(at uncompressed offset %d); use a larger span size")
                        .formatted(GzipCheckpoints.MAX_CHECKPOINTS, spanSizeBytes, totalOut));
            }
            int bits = dataType & 7;
            checkpoints.add(totalIn, totalOut, bits, ring);
            hashing.cut(totalIn, bits);
            lastCheckpointOut = totalOut;
        }
    }

    /** The checkpoints as views of the blob (no copy); a blob we wrote that fails to parse is a bug. */
    private static GzipCheckpoints views(ByteBuffer blob) {
        try {
            return GzipCheckpoints.parse(blob);
        } catch (InvalidZtocException e) {
            throw new IllegalStateException("the indexer wrote an invalid checkpoint blob: " + e.getMessage(), e);
        }
    }

    private InvalidLayerException corrupt(long offset, String message, Exception cause) {
        return new InvalidLayerException("corrupt gzip data in member %d, detected at compressed offset %d: %s"
                .formatted(member, offset, message), cause);
    }

    private void checkOpen() {
        if (state != State.OPEN) throw new IllegalStateException("indexer is " + state.name().toLowerCase());
    }

    private void fail() {
        state = State.FAILED;
        releaseNative();
    }

    private void releaseNative() {
        if (released) return;
        released = true;
        try {
            hashing.close(); // joins the worker before the slots' memory goes away
        } finally {
            inflater.close();
        }
    }
}
