package dev.soci4j.ztoc.zran;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * The gzip framing around each member's deflate data (RFC 1952), parsed incrementally so the indexer
 * can inflate raw deflate data and check CRC-32 and ISIZE itself with the JDK's {@link CRC32}
 * (an intrinsic, far faster than zlib's portable CRC). Checks what zlib checks in gzip mode, with
 * zlib's messages: magic, method, reserved flags, the optional header CRC-16, and the trailer.
 *
 * <p>Bytes arrive in chunks of any size; a header or trailer may be split anywhere. Not thread-safe.
 */
final class GzipMemberFraming {
    /** A framing error; the message is zlib's wording for the same error in gzip mode. */
    static final class FramingException extends Exception {
        FramingException(String message) {
            super(message, null, false, false);
        }
    }

    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;
    private static final int RESERVED = 0xe0;

    // header steps, in order; optional ones are skipped by flag
    private static final int ID1 = 0, ID2 = 1, CM = 2, FLG = 3, FIXED = 4, XLEN = 5, EXTRA = 6, NAME = 7,
            COMMENT = 8, HCRC = 9, DONE = 10;

    private final CRC32 headerCrc = new CRC32();
    private int step;
    private int flags;
    private int count;      // bytes read of the current step
    private int value;      // little-endian field being read

    private final CRC32 dataCrc = new CRC32();
    private long dataLength;
    private int trailerRead;
    private long trailer;   // little-endian CRC32 then ISIZE

    /** Starts reading a new member's header. */
    void startHeader() {
        step = ID1;
        count = 0;
        value = 0;
        flags = 0;
        headerCrc.reset();
    }

    /**
     * Consumes header bytes from {@code in} (advancing it); returns true once the header is complete,
     * leaving {@code in} at the first byte of deflate data.
     */
    boolean header(ByteBuffer in) throws FramingException {
        while (step != DONE) {
            if (!in.hasRemaining()) return false;
            int b = in.get() & 0xff;
            if (step != HCRC) headerCrc.update(b);
            switch (step) {
                case ID1 -> {
                    if (b != 0x1f) throw new FramingException("incorrect header check");
                    step = ID2;
                }
                case ID2 -> {
                    if (b != 0x8b) throw new FramingException("incorrect header check");
                    step = CM;
                }
                case CM -> {
                    if (b != 8) throw new FramingException("unknown compression method");
                    step = FLG;
                }
                case FLG -> {
                    if ((b & RESERVED) != 0) throw new FramingException("unknown header flags set");
                    flags = b;
                    step = FIXED;
                    count = 0;
                }
                case FIXED -> { // MTIME, XFL, OS
                    if (++count == 6) next(XLEN);
                }
                case XLEN -> {
                    value |= b << (8 * count);
                    if (++count == 2) {
                        if (value == 0) {
                            next(NAME);
                        } else {
                            step = EXTRA;
                            count = 0;
                        }
                    }
                }
                case EXTRA -> {
                    if (++count == value) next(NAME);
                }
                case NAME -> {
                    if (b == 0) next(COMMENT);
                }
                case COMMENT -> {
                    if (b == 0) next(HCRC);
                }
                case HCRC -> {
                    value |= b << (8 * count);
                    if (++count == 2) {
                        if (value != ((int) headerCrc.getValue() & 0xffff)) throw new FramingException("header crc mismatch");
                        step = DONE;
                    }
                }
                default -> throw new IllegalStateException("header step " + step);
            }
        }
        return true;
    }

    /** Moves to {@code wanted}, or past it (and the following optional steps) when its flag is unset. */
    private void next(int wanted) {
        count = 0;
        value = 0;
        int s = wanted;
        while (s != DONE && !present(s)) s++;
        step = s;
    }

    private boolean present(int s) {
        return switch (s) {
            case XLEN, EXTRA -> (flags & FEXTRA) != 0;
            case NAME -> (flags & FNAME) != 0;
            case COMMENT -> (flags & FCOMMENT) != 0;
            case HCRC -> (flags & FHCRC) != 0;
            default -> true;
        };
    }

    /** Starts checking a member's data: CRC-32 and length from zero. */
    void startData() {
        dataCrc.reset();
        dataLength = 0;
        trailerRead = 0;
        trailer = 0;
    }

    /** Adds uncompressed bytes (position to limit; the position is left unchanged). */
    void data(ByteBuffer uncompressed) {
        int position = uncompressed.position();
        dataLength += uncompressed.remaining();
        dataCrc.update(uncompressed);
        uncompressed.position(position);
    }

    /**
     * Consumes trailer bytes from {@code in}; returns true once the 8 bytes are read and match.
     */
    boolean trailer(ByteBuffer in) throws FramingException {
        while (trailerRead < 8) {
            if (!in.hasRemaining()) return false;
            trailer |= (long) (in.get() & 0xff) << (8 * trailerRead);
            trailerRead++;
            if (trailerRead == 4 && (trailer & 0xffffffffL) != dataCrc.getValue()) {
                throw new FramingException("incorrect data check");
            }
        }
        if ((trailer >>> 32) != (dataLength & 0xffffffffL)) throw new FramingException("incorrect length check");
        return true;
    }
}
