package dev.soci4j.ztoc;

import dev.soci4j.ztoc.fbs.TarZinfo;
import dev.soci4j.ztoc.tar.TarScan;
import dev.soci4j.ztoc.tar.TarScanner;
import dev.soci4j.ztoc.zran.GzipIndex;
import dev.soci4j.ztoc.zran.GzipIndexer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds a layer's zTOC in one streaming pass: the bytes are read once, in fixed-size chunks, and
 * feed at the same time the decompressor (checkpoints and span digests) and the tar scanner (the
 * table of contents). Memory stays flat in the layer size; no temporary copy is made. Works for gzip
 * and uncompressed tar layers, told apart by the first bytes. Instances are immutable and may be
 * shared; each {@code build} call is independent.
 */
public final class ZtocBuilder {
    /** The reference's default span size: 4 MiB of uncompressed data between checkpoints. */
    public static final long DEFAULT_SPAN_SIZE_BYTES = 4L << 20;
    /** Read size: large enough that per-read overhead vanishes next to inflate, small enough to stay in cache. */
    private static final int CHUNK_BYTES = 1 << 20;

    private final long spanSizeBytes;

    public ZtocBuilder() {
        this(DEFAULT_SPAN_SIZE_BYTES);
    }

    public ZtocBuilder(long spanSizeBytes) {
        if (spanSizeBytes <= 0) throw new IllegalArgumentException("span size must be positive: " + spanSizeBytes);
        this.spanSizeBytes = spanSizeBytes;
    }

    public long spanSizeBytes() {
        return spanSizeBytes;
    }

    /** Builds the zTOC of the layer blob in {@code layer}. */
    public Ztoc build(Path layer) throws IOException {
        try (FileChannel channel = FileChannel.open(layer, StandardOpenOption.READ)) {
            return build(channel);
        } catch (InvalidLayerException e) {
            throw new InvalidLayerException(layer + ": " + e.getMessage(), e);
        } catch (UnsupportedLayerException e) {
            throw new UnsupportedLayerException(layer + ": " + e.getMessage());
        }
    }

    /** Builds the zTOC of the layer blob read from {@code layer} to its end (the channel is not closed). */
    public Ztoc build(ReadableByteChannel layer) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES);
        while (chunk.position() < LayerFormat.PROBE_LENGTH) {
            if (layer.read(chunk) < 0) break;
        }
        chunk.flip();
        byte[] probe = new byte[Math.min(chunk.remaining(), LayerFormat.PROBE_LENGTH)];
        chunk.get(chunk.position(), probe);
        return switch (LayerFormat.detect(probe, probe.length)) {
            case GZIP -> buildGzip(layer, chunk);
            case TAR -> buildTar(layer, chunk);
            case ZSTD -> throw new UnsupportedLayerException(
                    "layer is zstd-compressed; zTOCs exist only for gzip and uncompressed tar layers (as in the reference)");
            case UNKNOWN -> throw new UnsupportedLayerException(probe.length == 0
                    ? "layer is empty"
                    : "layer is neither gzip nor tar (first bytes %s)".formatted(
                    HexFormat.of().formatHex(probe, 0, Math.min(8, probe.length))));
        };
    }

    private Ztoc buildGzip(ReadableByteChannel layer, ByteBuffer chunk) throws IOException {
        TarScanner scanner = new TarScanner();
        GzipIndex index;
        try (GzipIndexer indexer = new GzipIndexer(spanSizeBytes, scanner::feed)) {
            indexer.feed(chunk); // the bytes read to detect the format
            while (indexer.feed(layer)) {
                // the indexer reads the rest straight into its own buffers
            }
            index = indexer.finish();
        }
        TarScan scan = scanner.finish();
        var info = new CompressionInfo(CompressionAlgorithm.GZIP, index.maxSpanId(), index.spanDigests(),
                index.checkpointBlob()); // the indexer's blob itself: no copy
        return new Ztoc(Ztoc.VERSION, Ztoc.BUILD_TOOL_IDENTIFIER, index.compressedSize(), scan.archiveSize(),
                scan.entries(), info);
    }

    private Ztoc buildTar(ReadableByteChannel layer, ByteBuffer chunk) throws IOException {
        TarScanner scanner = new TarScanner();
        SpanDigests digests = new SpanDigests(spanSizeBytes);
        do {
            scanner.feed(chunk.duplicate());
            digests.update(chunk);
            chunk.clear();
        } while (fill(layer, chunk));
        TarScan scan = scanner.finish();
        List<String> spanDigests = digests.finish();
        long size = digests.total();
        var info = new CompressionInfo(CompressionAlgorithm.UNCOMPRESSED, spanDigests.size() - 1, spanDigests,
                ByteBuffer.wrap(TarZinfo.of(spanSizeBytes, size).encode()));
        return new Ztoc(Ztoc.VERSION, Ztoc.BUILD_TOOL_IDENTIFIER, size, scan.archiveSize(), scan.entries(), info);
    }

    /** Reads the next chunk; false at the end of the layer. The buffer is flipped for reading. */
    private static boolean fill(ReadableByteChannel layer, ByteBuffer chunk) throws IOException {
        int n;
        do {
            n = layer.read(chunk);
        } while (n >= 0 && chunk.hasRemaining());
        chunk.flip();
        return chunk.hasRemaining();
    }

    /** sha256 of each fixed-size span of an uncompressed layer ({@code soci-format.md §3}). */
    private static final class SpanDigests {
        private final long spanSizeBytes;
        private final List<String> digests = new ArrayList<>();
        private final MessageDigest md = sha256();
        private long inSpan;
        private long total;

        SpanDigests(long spanSizeBytes) {
            this.spanSizeBytes = spanSizeBytes;
        }

        void update(ByteBuffer bytes) {
            while (bytes.hasRemaining()) {
                int n = (int) Math.min(bytes.remaining(), spanSizeBytes - inSpan);
                ByteBuffer part = bytes.slice(bytes.position(), n);
                md.update(part);
                bytes.position(bytes.position() + n);
                inSpan += n;
                total += n;
                if (inSpan == spanSizeBytes) {
                    digests.add(hex(md.digest()));
                    inSpan = 0;
                }
            }
        }

        List<String> finish() {
            // a layer of 0 bytes still has one (empty) span, as max_span_id cannot be negative
            if (inSpan > 0 || digests.isEmpty()) digests.add(hex(md.digest()));
            return digests;
        }

        long total() {
            return total;
        }

        private static String hex(byte[] d) {
            return "sha256:" + HexFormat.of().formatHex(d);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
