package dev.soci4j.ztoc;

import dev.soci4j.ztoc.zran.GzipCheckpoints;
import dev.soci4j.ztoc.zran.SpanInflater;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Random access to a layer's files through its zTOC: any file or uncompressed range is read from only
 * the spans that hold it, and every span's compressed bytes are checked against the zTOC's digest
 * before they are used (a mismatch is a {@link DigestMismatchException}; wrong bytes are never
 * returned). Thread-safe: concurrent readers may share one instance. Closing it closes nothing of the
 * source, which the caller owns.
 */
public final class LayerReader implements AutoCloseable {
    /** Hardlink chains longer than this are treated as loops. */
    private static final int MAX_HARDLINK_HOPS = 64;
    /** Upper bound of one span's decompressed size we are willing to hold; far above real spans (~4 MiB). */
    private static final long MAX_SPAN_BYTES = 1L << 30;
    /** How many verified compressed spans to keep, so sequential reads do not fetch a span twice. */
    private static final int VERIFIED_SPANS_KEPT = 4;

    private final Ztoc ztoc;
    private final RangeSource source;
    private final SpanTable spans;
    private final GzipCheckpoints checkpoints;
    private final Map<String, FileMetadata> byPath;
    private final Map<Integer, byte[]> verified = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, byte[]> eldest) {
            return size() > VERIFIED_SPANS_KEPT;
        }
    };

    public LayerReader(Ztoc ztoc, RangeSource source) throws InvalidZtocException {
        this.ztoc = ztoc;
        this.source = source;
        this.spans = SpanTable.of(ztoc);
        this.checkpoints = spans.gzipCheckpoints().orElse(null);
        Map<String, FileMetadata> map = new HashMap<>(ztoc.files().size() * 2);
        for (FileMetadata f : ztoc.files()) {
            // a later entry of the same path replaces an earlier one, as when tar extracts
            map.put(TocPaths.clean(f.name()), f);
        }
        this.byPath = map;
    }

    public Ztoc ztoc() {
        return ztoc;
    }

    public SpanTable spans() {
        return spans;
    }

    /** The entry at {@code path} (cleaned: {@code ./a}, {@code /a} and {@code b/../a} all find {@code a}). */
    public Optional<FileMetadata> lookup(String path) {
        return Optional.ofNullable(byPath.get(TocPaths.clean(path)));
    }

    /**
     * The entry a hardlink finally points at (itself when it is not a hardlink). Link targets are
     * looked up inside the layer like any path; a missing target or a loop is an invalid zTOC.
     */
    public FileMetadata resolveHardlinks(FileMetadata entry) throws InvalidZtocException {
        FileMetadata current = entry;
        for (int hops = 0; current.type() == EntryType.HARDLINK; hops++) {
            if (hops == MAX_HARDLINK_HOPS)
                throw new InvalidZtocException("hardlink %s: more than %d links in a row (a loop?)"
                        .formatted(entry.name(), MAX_HARDLINK_HOPS));
            String target = current.linkname();
            current = lookup(target).orElseThrow(() -> new InvalidZtocException(
                    "hardlink %s points at %s, which is not in the layer".formatted(entry.name(), target)));
        }
        return current;
    }

    /** The whole content of a regular file (hardlinks followed). Files over 2 GiB: use {@link #openFile}. */
    public byte[] readFile(FileMetadata entry) throws IOException {
        FileMetadata file = regularFile(entry);
        if (file.uncompressedSize() > Integer.MAX_VALUE - 8)
            throw new IOException("%s is %d bytes, too large for one array; stream it with openFile"
                    .formatted(file.name(), file.uncompressedSize()));
        byte[] content = new byte[(int) file.uncompressedSize()];
        readFully(file.uncompressedOffset(), content, 0, content.length);
        return content;
    }

    /** A stream of a regular file's content (hardlinks followed), decompressed span by span. */
    public InputStream openFile(FileMetadata entry) throws IOException {
        FileMetadata file = regularFile(entry);
        return new FileStream(file.uncompressedOffset(), file.uncompressedEnd());
    }

    /**
     * Reads {@code length} bytes of the uncompressed tar stream at {@code offset} into {@code dst}.
     *
     * @throws IOException when the range is outside the layer, a span fails its digest or decompression
     */
    public void readFully(long offset, byte[] dst, int dstOffset, int length) throws IOException {
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        long size = ztoc.uncompressedArchiveSize();
        // no offset + length before the check: near Long.MAX_VALUE it overflows and would pass
        if (offset < 0 || offset > size || length > size - offset)
            throw new IOException("range [%d, +%d) is outside the layer's %d uncompressed bytes"
                    .formatted(offset, length, size));
        long end = offset + length;
        long pos = offset;
        while (pos < end) {
            Span span = spans.span(spans.spanOf(pos));
            long pieceEnd = Math.min(end, span.uncompressedEnd());
            if (pieceEnd <= pos)
                throw new InvalidZtocException("offset %d is in no span (span %d ends at %d)"
                        .formatted(pos, span.id(), span.uncompressedEnd()));
            int n = (int) (pieceEnd - pos);
            readFromSpan(span, pos, dst, dstOffset + (int) (pos - offset), n);
            pos = pieceEnd;
        }
    }

    private void readFromSpan(Span span, long from, byte[] dst, int dstOffset, int length) throws IOException {
        byte[] compressed = verifiedSpan(span);
        if (checkpoints == null) {
            System.arraycopy(compressed, (int) (from - span.uncompressedStart()), dst, dstOffset, length);
        } else {
            SpanInflater.inflate(checkpoints, span.id(), compressed, from, dst, dstOffset, length);
        }
    }

    /** The compressed bytes of {@code span}, fetched once and checked against the zTOC's digest. */
    private byte[] verifiedSpan(Span span) throws IOException {
        synchronized (verified) {
            byte[] cached = verified.get(span.id());
            if (cached != null) return cached;
        }
        if (span.compressedLength() > MAX_SPAN_BYTES || span.uncompressedLength() > MAX_SPAN_BYTES)
            throw new InvalidZtocException("span %d is %d compressed / %d uncompressed bytes, beyond the %d-byte limit"
                    .formatted(span.id(), span.compressedLength(), span.uncompressedLength(), MAX_SPAN_BYTES));
        byte[] bytes = new byte[(int) span.compressedLength()];
        source.readFully(span.compressedStart(), bytes, 0, bytes.length);
        String actual = "sha256:" + HexFormat.of().formatHex(ZtocBuilder.sha256().digest(bytes));
        if (!MessageDigest.isEqual(actual.getBytes(), span.digest().getBytes()))
            throw new DigestMismatchException("span %d of %s (bytes [%d, %d)) failed verification: expected %s, got %s"
                    .formatted(span.id(), source, span.compressedStart(), span.compressedEnd(), span.digest(), actual));
        synchronized (verified) {
            verified.put(span.id(), bytes);
        }
        return bytes;
    }

    private FileMetadata regularFile(FileMetadata entry) throws IOException {
        FileMetadata file = resolveHardlinks(entry);
        if (file.type() != EntryType.REG)
            throw new IOException("%s is a %s, not a regular file".formatted(entry.name(), file.type().wireName()));
        if (file.uncompressedEnd() > ztoc.uncompressedArchiveSize() || file.uncompressedEnd() < 0)
            throw new InvalidZtocException("%s ends at %d, past the layer's %d uncompressed bytes"
                    .formatted(file.name(), file.uncompressedEnd(), ztoc.uncompressedArchiveSize()));
        return file;
    }

    @Override
    public void close() {
        synchronized (verified) {
            verified.clear();
        }
    }

    /** Streams [start, end) of the uncompressed layer, decompressing at most one span piece at a time. */
    private final class FileStream extends InputStream {
        private static final int MAX_PIECE = 8 << 20;
        private long pos;
        private final long end;
        private byte[] piece = new byte[0];
        private int pieceOffset;

        FileStream(long start, long end) {
            this.pos = start;
            this.end = end;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (pieceOffset == piece.length && !nextPiece()) return -1;
            int n = Math.min(len, piece.length - pieceOffset);
            System.arraycopy(piece, pieceOffset, b, off, n);
            pieceOffset += n;
            return n;
        }

        private boolean nextPiece() throws IOException {
            if (pos >= end) return false;
            Span span = spans.span(spans.spanOf(pos));
            long pieceEnd = Math.min(Math.min(end, span.uncompressedEnd()), pos + MAX_PIECE);
            if (pieceEnd <= pos)
                throw new InvalidZtocException("offset %d is in no span".formatted(pos));
            // fill a new array and keep it only once verified: after a failed read, a retry must
            // fail again, not hand out the zeros of a half-made piece
            byte[] next = new byte[(int) (pieceEnd - pos)];
            readFromSpan(span, pos, next, 0, next.length);
            piece = next;
            pieceOffset = 0;
            pos = pieceEnd;
            return true;
        }

        @Override
        public long skip(long n) throws IOException {
            if (n <= 0) return 0; // as InputStream does; a negative n would move pieceOffset back
            long inPiece = Math.min(n, piece.length - pieceOffset);
            pieceOffset += (int) inPiece;
            long more = Math.min(n - inPiece, end - pos);
            pos += more;
            return inPiece + more;
        }

        @Override
        public int available() {
            return piece.length - pieceOffset;
        }
    }
}
