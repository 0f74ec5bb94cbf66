package dev.soci4j.ztoc;

import dev.soci4j.ztoc.tar.TarScanner;

/** What a layer blob is, told apart by its first bytes; only gzip and plain tar can be indexed. */
public enum LayerFormat {
    GZIP,
    TAR,
    ZSTD,
    UNKNOWN;

    /** Bytes needed to tell the formats apart: one tar header block. */
    public static final int PROBE_LENGTH = 512;

    /**
     * The format of a blob starting with {@code first} (up to {@link #PROBE_LENGTH} bytes; fewer when
     * the blob is that short).
     */
    public static LayerFormat detect(byte[] first, int length) {
        if (length >= 2 && (first[0] & 0xff) == 0x1f && (first[1] & 0xff) == 0x8b) return GZIP;
        if (length >= 4 && (first[0] & 0xff) == 0x28 && (first[1] & 0xff) == 0xb5
                && (first[2] & 0xff) == 0x2f && (first[3] & 0xff) == 0xfd) return ZSTD;
        if (length >= PROBE_LENGTH) {
            byte[] block = length == PROBE_LENGTH && first.length == PROBE_LENGTH
                    ? first : java.util.Arrays.copyOf(first, PROBE_LENGTH);
            if (TarScanner.looksLikeTar(block) || isZeroBlock(block)) return TAR;
        }
        return UNKNOWN;
    }

    private static boolean isZeroBlock(byte[] block) {
        for (byte b : block) {
            if (b != 0) return false;
        }
        return true;
    }
}
