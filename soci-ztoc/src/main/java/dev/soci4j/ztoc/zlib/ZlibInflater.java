package dev.soci4j.ztoc.zlib;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One zlib inflate stream ({@code z_stream} plus zlib's own state), in native memory that does not
 * move (zlib keeps a pointer back to the {@code z_stream}).
 *
 * <p>Input and output are direct {@link ByteBuffer}s: {@link #inflate} reads from {@code in}'s position
 * and writes at {@code out}'s position, advancing both. Between calls zlib may keep pointers into the
 * previous buffers only for output it has already written, so buffers can change from call to call.
 *
 * <p>Not thread-safe. {@link #open} confines the instance to the calling thread; {@link #openShared}
 * lets it move between threads (one at a time). The owner closes it; {@link #close()} calls
 * {@code inflateEnd} before freeing the memory, and also frees the buffers from {@link #allocate}.
 */
@SuppressWarnings("restricted") // reads zlib's msg string; this package is where native access is meant to happen
public final class ZlibInflater implements AutoCloseable {
    /** What framing {@link #inflate} expects around the deflate data. */
    public enum Format {
        /** gzip members (windowBits 31): header and trailer checked by zlib, including CRC-32 and ISIZE. */
        GZIP(31),
        /** bare deflate data (windowBits -15), as when resuming at a checkpoint. */
        RAW(-15);

        final int windowBits;

        Format(int windowBits) {
            this.windowBits = windowBits;
        }
    }

    /** The flush modes used here. */
    public enum Flush {
        /** {@code Z_NO_FLUSH}: go as far as input and output allow. */
        NO_FLUSH(0),
        /** {@code Z_BLOCK}: also stop after the gzip header and at the end of each deflate block. */
        BLOCK(5);

        final int code;

        Flush(int code) {
            this.code = code;
        }
    }

    /** What {@link #inflate} achieved. */
    public enum Status {
        /** progress made ({@code Z_OK}). */
        OK,
        /** the end of the deflate stream (raw) or of the gzip member, trailer checked ({@code Z_STREAM_END}). */
        STREAM_END,
        /** no progress possible: more input or output space needed ({@code Z_BUF_ERROR}). */
        NEEDS_INPUT_OR_OUTPUT
    }

    // zlib.h return codes
    private static final int Z_OK = 0;
    private static final int Z_STREAM_END = 1;
    private static final int Z_NEED_DICT = 2;
    private static final int Z_STREAM_ERROR = -2;
    private static final int Z_DATA_ERROR = -3;
    private static final int Z_MEM_ERROR = -4;
    private static final int Z_BUF_ERROR = -5;

    // struct z_stream_s on LP64 (x86_64, aarch64): 112 bytes
    private static final long Z_STREAM_SIZE = 112;
    private static final long NEXT_IN = 0;     // z_const Bytef *
    private static final long AVAIL_IN = 8;    // uInt
    private static final long NEXT_OUT = 24;   // Bytef *
    private static final long AVAIL_OUT = 32;  // uInt
    private static final long MSG = 48;        // char *
    private static final long DATA_TYPE = 88;  // int

    /** zlib's window for deflate: a dictionary longer than this is cut to its last 32 KiB by zlib. */
    public static final int WINDOW_SIZE = 32768;

    private final Arena arena;
    private final MemorySegment stream;
    private final Format format;
    private boolean closed;

    private ZlibInflater(Arena arena, Format format) throws ZlibException {
        this.arena = arena;
        this.format = format;
        this.stream = arena.allocate(Z_STREAM_SIZE, 16); // zero-filled: zalloc/zfree/opaque = Z_NULL
        int rc;
        try {
            rc = (int) ZlibLibrary.INFLATE_INIT2.invokeExact(stream, format.windowBits, ZlibLibrary.VERSION,
                    (int) Z_STREAM_SIZE);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (rc != Z_OK) throw failure("inflateInit2_", rc);
    }

    /** A new inflater confined to this thread. */
    public static ZlibInflater open(Format format) throws ZlibException {
        return open(format, Arena.ofConfined());
    }

    /** A new inflater that may be handed from thread to thread (used by one at a time). */
    public static ZlibInflater openShared(Format format) throws ZlibException {
        return open(format, Arena.ofShared());
    }

    private static ZlibInflater open(Format format, Arena arena) throws ZlibException {
        Objects.requireNonNull(format, "format");
        ZlibLibrary.requireLoaded();
        try {
            return new ZlibInflater(arena, format);
        } catch (ZlibException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** zlib's version string, e.g. {@code 1.3}. */
    public static String zlibVersion() {
        return ZlibLibrary.versionText();
    }

    public Format format() {
        return format;
    }

    /**
     * A zero-filled direct buffer of {@code bytes} native bytes owned by this inflater and freed by
     * {@link #close()}: scratch space that costs no GC and no {@code Cleaner}.
     */
    public ByteBuffer allocate(int bytes) {
        checkOpen();
        return arena.allocate(bytes, 64).asByteBuffer();
    }

    /**
     * Inflates from {@code in} (position to limit) into {@code out} (position to limit), advancing
     * both positions by what was consumed and produced. At most {@code 2^32-1} bytes of each are
     * offered per call.
     *
     * @throws ZlibDataException corrupt data (zlib's message), or a stream that wants a preset dictionary
     * @throws ZlibException     zlib ran out of memory
     */
    public Status inflate(ByteBuffer in, ByteBuffer out, Flush flush) throws ZlibException {
        checkOpen();
        int inLength = in.remaining();
        int outLength = out.remaining();
        stream.set(ADDRESS, NEXT_IN, address(in));
        stream.set(JAVA_INT, AVAIL_IN, inLength);
        stream.set(ADDRESS, NEXT_OUT, address(out));
        stream.set(JAVA_INT, AVAIL_OUT, outLength);
        int rc;
        try {
            rc = (int) ZlibLibrary.INFLATE.invokeExact(stream, flush.code);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        int consumed = inLength - stream.get(JAVA_INT, AVAIL_IN);
        int produced = outLength - stream.get(JAVA_INT, AVAIL_OUT);
        in.position(in.position() + consumed);
        out.position(out.position() + produced);
        // zlib keeps no use for these pointers after the call; clear them so nothing dangles
        stream.set(ADDRESS, NEXT_IN, MemorySegment.NULL);
        stream.set(ADDRESS, NEXT_OUT, MemorySegment.NULL);
        return switch (rc) {
            case Z_OK -> Status.OK;
            case Z_STREAM_END -> Status.STREAM_END;
            case Z_BUF_ERROR -> Status.NEEDS_INPUT_OR_OUTPUT;
            default -> throw failure("inflate", rc);
        };
    }

    /**
     * {@code data_type} after the last {@link #inflate}: bits 0-2 the unused bits of the last byte
     * consumed, 64 if the last block was the final one, 128 if stopped just after the header or a block.
     */
    public int dataType() {
        checkOpen();
        return stream.get(JAVA_INT, DATA_TYPE);
    }

    /** Starts a new stream of the same format, keeping the allocated state ({@code inflateReset}). */
    public void reset() throws ZlibException {
        checkOpen();
        int rc;
        try {
            rc = (int) ZlibLibrary.INFLATE_RESET.invokeExact(stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (rc != Z_OK) throw failure("inflateReset", rc);
    }

    /** Inserts {@code bits} (0..16) low bits of {@code value} ahead of the next input ({@code inflatePrime}). */
    public void prime(int bits, int value) throws ZlibException {
        checkOpen();
        if (bits < 0 || bits > 16) throw new IllegalArgumentException("bits must be 0..16: " + bits);
        int rc;
        try {
            rc = (int) ZlibLibrary.INFLATE_PRIME.invokeExact(stream, bits, value);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (rc != Z_OK) throw failure("inflatePrime", rc);
    }

    /**
     * Sets the history a raw stream resumes with ({@code inflateSetDictionary}); the remaining bytes of
     * {@code dictionary} are used (not consumed). Heap buffers are copied to native memory first.
     */
    public void setDictionary(ByteBuffer dictionary) throws ZlibException {
        checkOpen();
        MemorySegment dict;
        if (dictionary.isDirect()) {
            dict = MemorySegment.ofBuffer(dictionary);
        } else {
            dict = arena.allocate(dictionary.remaining());
            dict.copyFrom(MemorySegment.ofBuffer(dictionary));
        }
        int rc;
        try {
            rc = (int) ZlibLibrary.INFLATE_SET_DICTIONARY.invokeExact(stream, dict, (int) dict.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (rc != Z_OK) throw failure("inflateSetDictionary", rc);
    }

    /** Calls {@code inflateEnd}, then frees the native memory. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            int rc = (int) ZlibLibrary.INFLATE_END.invokeExact(stream);
            if (rc != Z_OK) throw new IllegalStateException("inflateEnd returned " + rc);
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            arena.close();
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("inflater is closed");
    }

    private static MemorySegment address(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("zlib needs direct buffers, got " + buffer);
        }
        return MemorySegment.ofBuffer(buffer);
    }

    private ZlibException failure(String function, int rc) {
        return switch (rc) {
            case Z_DATA_ERROR -> new ZlibDataException(message("invalid or corrupt deflate data"), rc);
            case Z_NEED_DICT -> new ZlibDataException("stream needs a preset dictionary", rc);
            case Z_MEM_ERROR -> new ZlibException("zlib: out of memory in " + function, rc);
            case Z_STREAM_ERROR -> throw new IllegalStateException(
                    "%s returned Z_STREAM_ERROR: inconsistent z_stream or bad argument (%s)"
                            .formatted(function, message("no message")));
            default -> throw new IllegalStateException("%s returned %d (%s)".formatted(function, rc, message("no message")));
        };
    }

    private String message(String fallback) {
        MemorySegment msg = stream.get(ADDRESS, MSG);
        if (msg.equals(MemorySegment.NULL)) return fallback;
        return msg.reinterpret(256).getString(0); // zlib's messages are short static strings
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("unexpected exception from a zlib downcall", t);
    }
}
