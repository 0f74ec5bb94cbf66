package dev.soci4j.ztoc.zran;

import dev.soci4j.ztoc.InvalidLayerException;

/**
 * Skips a gzip member header (RFC 1952 §2.3), for readers that resume with raw inflate and meet the
 * next member inside a span. {@link GzipMemberFraming} validates headers fully during indexing; this checks what matters to
 * go on: magic, method, reserved flags, and the optional fields' lengths.
 */
final class GzipHeader {
    /** Yields the next byte of the compressed input, or -1 at its end. */
    @FunctionalInterface
    interface ByteSource {
        int next() throws InvalidLayerException;
    }

    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;
    private static final int RESERVED = 0xe0;

    private GzipHeader() {
    }

    /**
     * Reads one header from {@code source}; returns its length. {@code where} names the position for
     * messages (e.g. {@code span 3 at compressed offset 12345}).
     */
    static int skip(ByteSource source, String where) throws InvalidLayerException {
        int[] length = {0};
        ByteSource counted = () -> {
            int b = source.next();
            if (b < 0) throw new InvalidLayerException("gzip header truncated in " + where);
            length[0]++;
            return b;
        };
        if (counted.next() != 0x1f || counted.next() != 0x8b) {
            throw new InvalidLayerException("no gzip member header (magic 1f 8b) in " + where);
        }
        int method = counted.next();
        if (method != 8) throw new InvalidLayerException("gzip member with compression method %d (not deflate) in %s".formatted(method, where));
        int flags = counted.next();
        if ((flags & RESERVED) != 0) throw new InvalidLayerException("gzip member header with reserved flags 0x%02x in %s".formatted(flags, where));
        for (int i = 0; i < 6; i++) counted.next(); // MTIME, XFL, OS
        if ((flags & FEXTRA) != 0) {
            int extraLength = counted.next() | counted.next() << 8;
            for (int i = 0; i < extraLength; i++) counted.next();
        }
        if ((flags & FNAME) != 0) {
            while (counted.next() != 0) { } // zero-terminated
        }
        if ((flags & FCOMMENT) != 0) {
            while (counted.next() != 0) { }
        }
        if ((flags & FHCRC) != 0) {
            counted.next();
            counted.next();
        }
        return length[0];
    }
}
