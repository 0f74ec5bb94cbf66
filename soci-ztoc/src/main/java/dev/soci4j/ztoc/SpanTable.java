package dev.soci4j.ztoc;

import dev.soci4j.ztoc.fbs.TarZinfo;
import dev.soci4j.ztoc.zran.Checkpoint;
import dev.soci4j.ztoc.zran.GzipCheckpoints;
import java.util.Optional;

/**
 * The spans of a layer as its zTOC defines them ({@code soci-format.md §2-3}): for each, its
 * compressed range, uncompressed range and digest. Immutable and thread-safe.
 */
public final class SpanTable {
    private final Span[] spans;
    private final long spanSizeBytes;
    private final GzipCheckpoints gzipCheckpoints;

    private SpanTable(Span[] spans, long spanSizeBytes, GzipCheckpoints gzipCheckpoints) {
        this.spans = spans;
        this.spanSizeBytes = spanSizeBytes;
        this.gzipCheckpoints = gzipCheckpoints;
    }

    /** The spans of {@code ztoc}; fails when its checkpoints contradict its counts or sizes. */
    public static SpanTable of(Ztoc ztoc) throws InvalidZtocException {
        CompressionInfo info = ztoc.compressionInfo();
        int count = ztoc.numSpans();
        if (count <= 0 || info.spanDigests().size() != count)
            throw new InvalidZtocException("zTOC has max_span_id %d but %d span digests"
                    .formatted(info.maxSpanId(), info.spanDigests().size()));
        Span[] spans = new Span[count];
        return switch (info.algorithm()) {
            case GZIP -> {
                GzipCheckpoints cps = GzipCheckpoints.parse(info.checkpointBlob());
                if (cps.spanCount() != count)
                    throw new InvalidZtocException("zTOC has %d span digests but %d checkpoints"
                            .formatted(count, cps.spanCount()));
                for (int i = 0; i < count; i++) {
                    Checkpoint cp = cps.checkpoint(i);
                    boolean last = i == count - 1;
                    long cEnd = last ? ztoc.compressedArchiveSize() : cps.checkpoint(i + 1).in();
                    long uEnd = last ? ztoc.uncompressedArchiveSize() : cps.checkpoint(i + 1).out();
                    spans[i] = checked(i, cp.compressedStart(), cEnd, cp.out(), uEnd, info.spanDigests().get(i));
                }
                yield new SpanTable(spans, cps.spanSizeBytes(), cps);
            }
            case UNCOMPRESSED -> {
                TarZinfo zinfo = TarZinfo.decode(info.checkpoints());
                long size = zinfo.sizeBytes();
                long span = zinfo.spanSizeBytes();
                if (span <= 0 || size < 0)
                    throw new InvalidZtocException("TarZinfo has span size %d and size %d".formatted(span, size));
                long expected = size == 0 ? 1 : (size + span - 1) / span;
                if (expected != count)
                    throw new InvalidZtocException("TarZinfo of %d bytes at %d-byte spans makes %d spans, zTOC says %d"
                            .formatted(size, span, expected, count));
                for (int i = 0; i < count; i++) {
                    long start = i * span;
                    long end = Math.min(start + span, size);
                    spans[i] = checked(i, start, end, start, end, info.spanDigests().get(i));
                }
                yield new SpanTable(spans, span, null);
            }
        };
    }

    private static Span checked(int id, long cStart, long cEnd, long uStart, long uEnd, String digest)
            throws InvalidZtocException {
        if (cStart < 0 || cEnd < cStart || uStart < 0 || uEnd < uStart)
            throw new InvalidZtocException("span %d has bad ranges: compressed [%d, %d), uncompressed [%d, %d)"
                    .formatted(id, cStart, cEnd, uStart, uEnd));
        return new Span(id, cStart, cEnd, uStart, uEnd, digest);
    }

    public int count() {
        return spans.length;
    }

    public Span span(int id) {
        return spans[id];
    }

    public long spanSizeBytes() {
        return spanSizeBytes;
    }

    /** The gzip checkpoints; empty for an uncompressed layer. */
    public Optional<GzipCheckpoints> gzipCheckpoints() {
        return Optional.ofNullable(gzipCheckpoints);
    }

    /**
     * The span holding uncompressed {@code offset}: the last span starting at or before it (as the
     * reference computes it), clamped to the valid ids.
     */
    public int spanOf(long offset) {
        int lo = 0;
        int hi = spans.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (spans[mid].uncompressedStart() <= offset) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }
}
