package dev.soci4j.ztoc.tar;

import dev.soci4j.ztoc.InvalidLayerException;
import java.nio.charset.StandardCharsets;

/**
 * The fields of one 512-byte tar header block, decoded the way Go's {@code archive/tar} reader decodes
 * them ({@code readHeader} / {@code getFormat}), because the reference builds its zTOC with that reader.
 * Names stay raw bytes here; the scanner decodes them once the extension headers are applied.
 */
record TarHeader(
        byte[] name,
        byte[] linkname,
        byte typeflag,
        long mode,
        long uid,
        long gid,
        long size,
        long mtime,
        byte[] uname,
        byte[] gname,
        long devmajor,
        long devminor) {

    static final int BLOCK_SIZE = 512;

    private enum Format { V7, USTAR, GNU, STAR }

    // Field offsets and lengths of the V7 / USTAR / GNU / STAR layouts.
    private static final int NAME = 0, NAME_LEN = 100;
    private static final int MODE = 100, UID = 108, GID = 116, ID_LEN = 8;
    private static final int SIZE = 124, MTIME = 136, TIME_LEN = 12;
    private static final int CHKSUM = 148, CHKSUM_LEN = 8;
    private static final int TYPEFLAG = 156;
    private static final int LINKNAME = 157, LINKNAME_LEN = 100;
    private static final int MAGIC = 257, VERSION = 263;
    private static final int UNAME = 265, GNAME = 297, OWNER_LEN = 32;
    private static final int DEVMAJOR = 329, DEVMINOR = 337, DEV_LEN = 8;
    private static final int PREFIX = 345, USTAR_PREFIX_LEN = 155, STAR_PREFIX_LEN = 131;
    private static final int GNU_ATIME = 345, GNU_CTIME = 357;
    private static final int STAR_ATIME = 476, STAR_CTIME = 488, STAR_TRAILER = 508;

    /** True when every byte of {@code block} is zero (an end-of-archive marker block). */
    static boolean isZeroBlock(byte[] block) {
        for (int i = 0; i < BLOCK_SIZE; i++) {
            if (block[i] != 0) return false;
        }
        return true;
    }

    /**
     * True when the stored checksum matches the unsigned or the signed byte sum of the block, with the
     * checksum field counted as spaces (old writers summed signed chars; Go accepts both).
     */
    static boolean checksumMatches(byte[] block) {
        long stored;
        try {
            stored = parseOctal(block, CHKSUM, CHKSUM_LEN);
        } catch (NumberFormatException e) {
            return false;
        }
        long unsigned = 0, signed = 0;
        for (int i = 0; i < BLOCK_SIZE; i++) {
            byte c = (i >= CHKSUM && i < CHKSUM + CHKSUM_LEN) ? (byte) ' ' : block[i];
            unsigned += c & 0xFF;
            signed += c;
        }
        return stored == unsigned || stored == signed;
    }

    /**
     * Decodes a non-zero header block that starts at stream offset {@code offset}.
     *
     * @throws InvalidLayerException on a bad checksum or a numeric field Go's reader rejects
     */
    static TarHeader parse(byte[] block, long offset) throws InvalidLayerException {
        if (!checksumMatches(block))
            throw new InvalidLayerException("tar header at offset %d has a bad checksum (stored field \"%s\")"
                    .formatted(offset, printable(block, CHKSUM, CHKSUM_LEN)));
        Format format = formatOf(block);
        byte[] name = cString(block, NAME, NAME_LEN);
        try {
            byte typeflag = block[TYPEFLAG];
            byte[] linkname = cString(block, LINKNAME, LINKNAME_LEN);
            long size = parseNumeric(block, SIZE, TIME_LEN);
            long mode = parseNumeric(block, MODE, ID_LEN);
            long uid = parseNumeric(block, UID, ID_LEN);
            long gid = parseNumeric(block, GID, ID_LEN);
            long mtime = parseNumeric(block, MTIME, TIME_LEN);
            byte[] uname = new byte[0], gname = new byte[0];
            long devmajor = 0, devminor = 0;
            byte[] prefix = new byte[0];
            if (format != Format.V7) {
                uname = cString(block, UNAME, OWNER_LEN);
                gname = cString(block, GNAME, OWNER_LEN);
                devmajor = parseNumeric(block, DEVMAJOR, DEV_LEN);
                devminor = parseNumeric(block, DEVMINOR, DEV_LEN);
                switch (format) {
                    case USTAR -> prefix = cString(block, PREFIX, USTAR_PREFIX_LEN);
                    case STAR -> {
                        prefix = cString(block, PREFIX, STAR_PREFIX_LEN);
                        // Go parses the STAR times with the same parser, so a bad one fails the header.
                        parseNumeric(block, STAR_ATIME, TIME_LEN);
                        parseNumeric(block, STAR_CTIME, TIME_LEN);
                    }
                    case GNU -> prefix = pre18GoPrefix(block);
                    case V7 -> throw new AssertionError("unreachable");
                }
            }
            if (prefix.length > 0) name = concat(prefix, (byte) '/', name);
            return new TarHeader(name, linkname, typeflag, mode, uid, gid, size, mtime, uname, gname,
                    devmajor, devminor);
        } catch (NumberFormatException e) {
            throw new InvalidLayerException("tar header at offset %d (entry %s) has an invalid numeric field: %s"
                    .formatted(offset, new String(name, StandardCharsets.UTF_8), e.getMessage()), e);
        }
    }

    private static Format formatOf(byte[] block) {
        boolean ustarMagic = regionEquals(block, MAGIC, "ustar\0");
        if (ustarMagic && regionEquals(block, STAR_TRAILER, "tar\0")) return Format.STAR;
        // Go checks only the magic for USTAR/PAX; the "00" version is not required.
        if (ustarMagic) return Format.USTAR;
        if (regionEquals(block, MAGIC, "ustar ") && regionEquals(block, VERSION, " \0")) return Format.GNU;
        return Format.V7;
    }

    /**
     * GNU headers have no prefix, but Go keeps reading archives from its pre-1.8 writer, which put one
     * where GNU keeps atime/ctime: when either time field (non-empty) fails to parse and the prefix
     * area is ASCII, Go uses it as the prefix. We match that so such names come out the same.
     */
    private static byte[] pre18GoPrefix(byte[] block) {
        try {
            if (block[GNU_ATIME] != 0) parseNumeric(block, GNU_ATIME, TIME_LEN);
            if (block[GNU_CTIME] != 0) parseNumeric(block, GNU_CTIME, TIME_LEN);
            return new byte[0];
        } catch (NumberFormatException e) {
            byte[] prefix = cString(block, PREFIX, USTAR_PREFIX_LEN);
            for (byte b : prefix) {
                if (b < 0) return new byte[0];
            }
            return prefix;
        }
    }

    /** The bytes of a field up to its first NUL. */
    static byte[] cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) end++;
        byte[] out = new byte[end - off];
        System.arraycopy(b, off, out, 0, out.length);
        return out;
    }

    /**
     * A numeric field: base-256 two's complement when the first byte has 0x80 set (GNU and star
     * extension for values octal cannot hold), else octal. Overflow of a signed 64-bit value fails.
     */
    static long parseNumeric(byte[] b, int off, int len) {
        if ((b[off] & 0x80) == 0) return parseOctal(b, off, len);
        int inv = (b[off] & 0x40) != 0 ? 0xFF : 0x00; // negative: invert, read as unsigned, invert back
        long x = 0;
        for (int i = 0; i < len; i++) {
            int c = (b[off + i] & 0xFF) ^ inv;
            if (i == 0) c &= 0x7F;
            if ((x >>> 56) != 0) throw new NumberFormatException("base-256 value overflows 64 bits");
            x = (x << 8) | c;
        }
        if ((x >>> 63) != 0) throw new NumberFormatException("base-256 value overflows 64 bits");
        return inv == 0xFF ? ~x : x;
    }

    /**
     * An octal field as Go reads it: spaces and NULs trimmed at both ends, empty means 0, the rest cut
     * at an inner NUL, then unsigned octal digits of at most 64 bits (reinterpreted as signed).
     */
    static long parseOctal(byte[] b, int off, int len) {
        int start = off, end = off + len;
        while (start < end && (b[start] == ' ' || b[start] == 0)) start++;
        while (end > start && (b[end - 1] == ' ' || b[end - 1] == 0)) end--;
        if (start == end) return 0;
        for (int i = start; i < end; i++) {
            if (b[i] == 0) {
                end = i;
                break;
            }
        }
        long x = 0;
        for (int i = start; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 7)
                throw new NumberFormatException("\"%s\" is not octal".formatted(printable(b, off, len)));
            if ((x >>> 61) != 0) throw new NumberFormatException("octal value overflows 64 bits");
            x = (x << 3) | d;
        }
        return x;
    }

    private static boolean regionEquals(byte[] b, int off, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            if (b[off + i] != (byte) ascii.charAt(i)) return false;
        }
        return true;
    }

    private static byte[] concat(byte[] a, byte sep, byte[] b) {
        byte[] out = new byte[a.length + 1 + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        out[a.length] = sep;
        System.arraycopy(b, 0, out, a.length + 1, b.length);
        return out;
    }

    /** A field for an error message: printable ASCII kept, other bytes as \xNN. */
    static String printable(byte[] b, int off, int len) {
        StringBuilder s = new StringBuilder();
        for (int i = off; i < off + len; i++) {
            int c = b[i] & 0xFF;
            if (c >= 0x20 && c < 0x7F) s.append((char) c);
            else s.append("\\x%02x".formatted(c));
        }
        return s.toString();
    }
}
