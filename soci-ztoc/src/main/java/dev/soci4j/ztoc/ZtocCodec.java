package dev.soci4j.ztoc;

import dev.soci4j.ztoc.fbs.ZtocDecoder;
import dev.soci4j.ztoc.fbs.ZtocEncoder;
import java.nio.ByteBuffer;

/**
 * zTOC bytes to and from {@link Ztoc} ({@code soci-format.md §1-3}). {@link #encode} writes exactly the
 * bytes the reference implementation writes; {@link #decode} accepts only zTOCs that are well formed
 * and consistent, so what it returns is safe to serve spans from. Stateless and thread-safe.
 */
public final class ZtocCodec {
    private ZtocCodec() {
    }

    /** The zTOC's FlatBuffers bytes. Does not validate: a builder's output is valid by construction. */
    public static byte[] encode(Ztoc ztoc) {
        return ZtocEncoder.encode(ztoc);
    }

    /**
     * The zTOC's FlatBuffers bytes as a read-only buffer (position 0, limit the length), without the
     * copy into an exact-size array that {@link #encode} makes: for writing a large zTOC out.
     */
    public static ByteBuffer encodeBuffer(Ztoc ztoc) {
        return ZtocEncoder.encodeBuffer(ztoc);
    }

    /**
     * Parses and validates zTOC bytes from an untrusted source.
     *
     * <p>{@code bytes} is not copied: the zTOC's checkpoints blob is a read-only view of it, so the
     * caller hands the array over and must not modify it afterwards (what was validated is what is
     * served). The zTOC keeps the array alive.
     *
     * @throws InvalidZtocException if the buffer is malformed (bad offsets, lengths, UTF-8, unknown
     *                              entry type or algorithm) or fails {@link ZtocValidator#validate}
     */
    public static Ztoc decode(byte[] bytes) throws InvalidZtocException {
        Ztoc ztoc = ZtocDecoder.decode(bytes);
        ZtocValidator.validate(ztoc);
        return ztoc;
    }
}
