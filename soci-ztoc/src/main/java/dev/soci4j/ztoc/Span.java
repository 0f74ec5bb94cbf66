package dev.soci4j.ztoc;

/**
 * Where one span of a layer lies: its compressed bytes {@code [compressedStart, compressedEnd)} in the
 * blob (neighbouring gzip spans may share one byte) and the uncompressed bytes
 * {@code [uncompressedStart, uncompressedEnd)} it decompresses to ({@code soci-format.md §2-3}).
 *
 * @param digest {@code sha256:<hex>} of the compressed range
 */
public record Span(int id, long compressedStart, long compressedEnd, long uncompressedStart,
                   long uncompressedEnd, String digest) {
    public Span {
        if (id < 0 || compressedStart < 0 || compressedEnd < compressedStart
                || uncompressedStart < 0 || uncompressedEnd < uncompressedStart)
            throw new IllegalArgumentException("span %d: bad ranges [%d, %d) -> [%d, %d)"
                    .formatted(id, compressedStart, compressedEnd, uncompressedStart, uncompressedEnd));
    }

    public long compressedLength() {
        return compressedEnd - compressedStart;
    }

    public long uncompressedLength() {
        return uncompressedEnd - uncompressedStart;
    }

    public boolean containsUncompressed(long offset) {
        return offset >= uncompressedStart && offset < uncompressedEnd;
    }
}
