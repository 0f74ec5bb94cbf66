package dev.soci4j.ztoc;

import dev.soci4j.ztoc.fbs.TarZinfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Checks that a {@link Ztoc} means something: its spans, checkpoints, digests and TOC offsets agree
 * with each other and with the archive sizes ({@code soci-format.md §1-3}). A zTOC that passes can be
 * used to compute span ranges and file offsets without further bounds checks on those numbers. Each
 * failure names the entry or span and the numbers involved. Stateless and thread-safe.
 */
public final class ZtocValidator {
    /** Tar headers and data start on 512-byte blocks. */
    static final int TAR_BLOCK_BYTES = 512;
    /** Gzip checkpoints blob header: int32 checkpoint count, int64 span size ({@code soci-format.md §2}). */
    static final int GZIP_HEADER_BYTES = 12;
    /** One packed gzip checkpoint: int64 in, int64 out, uint8 bits, 32 KiB window. */
    static final int GZIP_CHECKPOINT_BYTES = 8 + 8 + 1 + 32768;
    /** Version 1 blobs omit checkpoint 0 and imply this compressed offset (a 10-byte gzip header). */
    static final long V1_IMPLIED_FIRST_IN = 10;

    private static final String DIGEST_PREFIX = "sha256:";
    private static final int DIGEST_HEX_CHARS = 64;

    private ZtocValidator() {
    }

    public static void validate(Ztoc ztoc) throws InvalidZtocException {
        if (ztoc.version().isEmpty()) throw new InvalidZtocException("zTOC version is empty");
        if (ztoc.compressedArchiveSize() < 0 || ztoc.uncompressedArchiveSize() < 0)
            throw new InvalidZtocException("zTOC archive sizes must not be negative: compressed %d, uncompressed %d"
                    .formatted(ztoc.compressedArchiveSize(), ztoc.uncompressedArchiveSize()));
        CompressionInfo info = ztoc.compressionInfo();
        switch (info.algorithm()) {
            case GZIP -> validateGzip(ztoc, info);
            case UNCOMPRESSED -> validateTar(ztoc, info);
        }
        validateDigests(info.spanDigests());
        validateToc(ztoc);
    }

    private static void validateGzip(Ztoc ztoc, CompressionInfo info) throws InvalidZtocException {
        ByteBuffer blob = info.checkpointBlob().order(ByteOrder.LITTLE_ENDIAN);
        int length = blob.capacity();
        if (length < GZIP_HEADER_BYTES)
            throw new InvalidZtocException("gzip checkpoints: %d bytes, shorter than the %d-byte header"
                    .formatted(length, GZIP_HEADER_BYTES));
        int count = blob.getInt(0);
        long spanSize = blob.getLong(4);
        if (count < 1)
            throw new InvalidZtocException("gzip checkpoints: header claims %d checkpoints, at least 1 needed"
                    .formatted(count));
        if (spanSize <= 0)
            throw new InvalidZtocException("gzip checkpoints: span size %d is not positive".formatted(spanSize));
        long v2Length = GZIP_HEADER_BYTES + (long) count * GZIP_CHECKPOINT_BYTES;
        long v1Length = v2Length - GZIP_CHECKPOINT_BYTES;
        boolean v1 = length == v1Length;
        if (length != v2Length && !v1)
            throw new InvalidZtocException(("gzip checkpoints: %d bytes do not hold %d checkpoints: expected %d"
                    + " (version 2) or %d (version 1)").formatted(length, count, v2Length, v1Length));
        checkSpanCount(info, count, "the gzip checkpoints hold %d spans".formatted(count));

        long previousIn = -1;
        long previousOut = -1;
        for (int i = 0; i < count; i++) {
            long in;
            long out;
            int bits;
            if (v1 && i == 0) {
                in = V1_IMPLIED_FIRST_IN;
                out = 0;
                bits = 0;
            } else {
                int at = GZIP_HEADER_BYTES + (v1 ? i - 1 : i) * GZIP_CHECKPOINT_BYTES;
                in = blob.getLong(at);
                out = blob.getLong(at + 8);
                bits = Byte.toUnsignedInt(blob.get(at + 16));
            }
            String where = "gzip checkpoint %d of %d".formatted(i, count);
            if (bits > 7)
                throw new InvalidZtocException("%s: %d bits, more than 7".formatted(where, bits));
            if (in < 0 || in > ztoc.compressedArchiveSize())
                throw new InvalidZtocException("%s: compressed offset %d outside the %d-byte layer"
                        .formatted(where, in, ztoc.compressedArchiveSize()));
            if (in <= previousIn)
                throw new InvalidZtocException("%s: compressed offset %d is not after checkpoint %d's %d"
                        .formatted(where, in, i - 1, previousIn));
            if (i == 0 && out != 0)
                throw new InvalidZtocException("%s: uncompressed offset %d, expected 0".formatted(where, out));
            // zran (and the reference's C builder) adds a checkpoint at every block boundary while no
            // output exists yet, so a stream opening with empty deflate blocks has several at out 0.
            if (i > 0 && out <= previousOut && !(out == 0 && previousOut == 0))
                throw new InvalidZtocException("%s: uncompressed offset %d is not after checkpoint %d's %d"
                        .formatted(where, out, i - 1, previousOut));
            if (out > ztoc.uncompressedArchiveSize())
                throw new InvalidZtocException("%s: uncompressed offset %d past the uncompressed archive size %d"
                        .formatted(where, out, ztoc.uncompressedArchiveSize()));
            previousIn = in;
            previousOut = out;
        }
    }

    private static void validateTar(Ztoc ztoc, CompressionInfo info) throws InvalidZtocException {
        TarZinfo zinfo;
        try {
            zinfo = TarZinfo.decode(info.checkpoints());
        } catch (InvalidZtocException e) {
            throw new InvalidZtocException("uncompressed layer checkpoints: " + e.getMessage(), e);
        }
        if (zinfo.version() != TarZinfo.VERSION)
            throw new InvalidZtocException("TarZinfo version %d, expected %d".formatted(zinfo.version(), TarZinfo.VERSION));
        if (zinfo.spanSizeBytes() <= 0)
            throw new InvalidZtocException("TarZinfo span size %d is not positive".formatted(zinfo.spanSizeBytes()));
        if (zinfo.sizeBytes() < 0)
            throw new InvalidZtocException("TarZinfo size %d is negative".formatted(zinfo.sizeBytes()));
        // The reference sizes the zinfo from the same blob it reports as the compressed size.
        if (zinfo.sizeBytes() != ztoc.compressedArchiveSize())
            throw new InvalidZtocException("TarZinfo size %d differs from the layer size %d"
                    .formatted(zinfo.sizeBytes(), ztoc.compressedArchiveSize()));
        long maxSpanId = zinfo.maxSpanId();
        if (info.maxSpanId() != maxSpanId)
            throw new InvalidZtocException("max_span_id %d, but a %d-byte tar in %d-byte spans has max span id %d"
                    .formatted(info.maxSpanId(), zinfo.sizeBytes(), zinfo.spanSizeBytes(), maxSpanId));
        checkSpanCount(info, maxSpanId + 1, "max_span_id is %d".formatted(info.maxSpanId()));
    }

    private static void checkSpanCount(CompressionInfo info, long spans, String why) throws InvalidZtocException {
        if ((long) info.maxSpanId() + 1 != spans)
            throw new InvalidZtocException("max_span_id %d, but %s".formatted(info.maxSpanId(), why));
        if (info.spanDigests().size() != spans)
            throw new InvalidZtocException("%d span digests for %d spans".formatted(info.spanDigests().size(), spans));
    }

    private static void validateDigests(List<String> digests) throws InvalidZtocException {
        for (int i = 0; i < digests.size(); i++) {
            String d = digests.get(i);
            if (!isSha256Digest(d))
                throw new InvalidZtocException("span %d digest \"%s\" is not \"sha256:\" and 64 lowercase hex digits"
                        .formatted(i, d));
        }
    }

    private static boolean isSha256Digest(String d) {
        if (d.length() != DIGEST_PREFIX.length() + DIGEST_HEX_CHARS || !d.startsWith(DIGEST_PREFIX)) return false;
        for (int i = DIGEST_PREFIX.length(); i < d.length(); i++) {
            char c = d.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return false;
        }
        return true;
    }

    /**
     * The reference's reading of a TOC: entries sorted by data offset, each header starting where the
     * previous entry's data ends, rounded up to a tar block (the first at 0). A header that would start
     * past its own data means entries overlap.
     */
    private static void validateToc(Ztoc ztoc) throws InvalidZtocException {
        List<FileMetadata> files = ztoc.files();
        long archiveSize = ztoc.uncompressedArchiveSize();
        int[] order = IntStream.range(0, files.size()).boxed()
                .sorted(Comparator.comparingLong(i -> files.get(i).uncompressedOffset()))
                .mapToInt(Integer::intValue).toArray();
        // Unsigned: an end just below 2^63 rounds up to 2^63, which still orders correctly.
        long nextHeader = 0;
        int previous = -1;
        for (int i : order) {
            FileMetadata f = files.get(i);
            long offset = f.uncompressedOffset();
            long size = f.uncompressedSize();
            if (offset < 0 || size < 0)
                throw new InvalidZtocException("entry %d \"%s\": negative offset %d or size %d"
                        .formatted(i, f.name(), offset, size));
            if (Long.compareUnsigned(nextHeader, offset) > 0)
                throw new InvalidZtocException(("entry %d \"%s\": data at %d, before %s where its header can start"
                        + " (end of entry %d \"%s\" rounded up to %d)").formatted(i, f.name(), offset,
                        Long.toUnsignedString(nextHeader), previous, files.get(previous).name(), TAR_BLOCK_BYTES));
            if (offset > archiveSize || size > archiveSize - offset)
                throw new InvalidZtocException(("entry %d \"%s\": data at %d of %d bytes ends past the uncompressed"
                        + " archive size %d").formatted(i, f.name(), offset, size, archiveSize));
            long end = offset + size; // <= archiveSize, no overflow
            nextHeader = (end + (TAR_BLOCK_BYTES - 1)) & -TAR_BLOCK_BYTES;
            previous = i;
        }
    }
}
