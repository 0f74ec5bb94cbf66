package dev.soci4j.fs.span;

import dev.soci4j.ztoc.RangeSource;
import dev.soci4j.ztoc.Span;
import dev.soci4j.ztoc.SpanTable;
import dev.soci4j.ztoc.zran.GzipCheckpoints;
import dev.soci4j.ztoc.zran.SpanInflater;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a layer's uncompressed bytes span by span from a {@link RangeSource} of its compressed blob.
 *
 * <p>A span's life: <em>absent</em> → <em>fetching</em> (one {@link CompletableFuture} in
 * {@code inflight}; every other reader of that span waits on it) → <em>cached</em> (verified,
 * decompressed, on disk in the {@link SpanCache}) → <em>absent</em> again when evicted. A failed fetch
 * goes back to absent, so the next read tries again. Wanted spans next to each other that nobody is
 * fetching are claimed together and read with one Range request. Each span's compressed bytes are
 * checked against the zTOC digest before use; on a mismatch the span is fetched once more alone, and
 * a second mismatch fails the read ({@link SpanVerificationException}): wrong bytes are never served.
 * Thread-safe.
 */
public final class SpanManager {
    private static final Logger log = LoggerFactory.getLogger(SpanManager.class);
    /** One coalesced request stays under this many compressed bytes (8 default spans), bounding heap per read. */
    static final long MAX_REQUEST_BYTES = 32L << 20;
    /** Evictions can race a reader; a span is fetched again at most this many times for one read. */
    private static final int MAX_EVICTION_RETRIES = 3;

    private final String layer;
    private final SpanTable table;
    private final GzipCheckpoints checkpoints;
    private final RangeSource source;
    private final SpanCache cache;
    private final LayerStats stats;
    private final ConcurrentHashMap<Integer, CompletableFuture<byte[]>> inflight = new ConcurrentHashMap<>();
    private final AtomicInteger onDemandReads = new AtomicInteger();

    public SpanManager(String layer, SpanTable table, RangeSource source, SpanCache cache, LayerStats stats) {
        this.layer = layer;
        this.table = table;
        this.checkpoints = table.gzipCheckpoints().orElse(null);
        this.source = source;
        this.cache = cache;
        this.stats = stats;
    }

    @Override
    public String toString() {
        return layer;
    }

    public SpanTable spans() {
        return table;
    }

    public LayerStats stats() {
        return stats;
    }

    /** Number of on-demand reads running now; the background fetcher waits while it is not zero. */
    public int onDemandReads() {
        return onDemandReads.get();
    }

    public boolean isCached(int spanId) {
        return cache.contains(spanId);
    }

    /** Reads {@code length} uncompressed bytes at {@code offset} of the layer into {@code dst}. */
    public void read(long offset, byte[] dst, int dstOffset, int length) throws IOException {
        if (length == 0) return;
        onDemandReads.incrementAndGet();
        try {
            int first = table.spanOf(offset);
            int last = table.spanOf(offset + length - 1);
            Map<Integer, byte[]> fresh = ensure(first, last, false);
            long pos = offset;
            long end = offset + length;
            for (int id = first; id <= last; id++) {
                Span span = table.span(id);
                long pieceEnd = Math.min(end, span.uncompressedEnd());
                int n = (int) (pieceEnd - pos);
                int at = dstOffset + (int) (pos - offset);
                long inSpan = pos - span.uncompressedStart();
                byte[] bytes = fresh.get(id);
                int attempt = 0;
                while (bytes == null && !cache.read(id, inSpan, dst, at, n)) {
                    if (++attempt > MAX_EVICTION_RETRIES)
                        throw new IOException("span %d of layer %s was evicted %d times while being read; cache too small"
                                .formatted(id, layer, attempt - 1));
                    bytes = ensure(id, id, false).get(id);
                }
                if (bytes != null) System.arraycopy(bytes, (int) inSpan, dst, at, n);
                else stats.cacheHits.incrementAndGet();
                pos = pieceEnd;
            }
            stats.bytesServed.addAndGet(length);
        } finally {
            onDemandReads.decrementAndGet();
        }
    }

    /**
     * Makes spans {@code [first, last]} local. Returns the bytes of spans fetched or awaited in this call
     * (a span already cached maps to nothing: read it from the cache).
     */
    public Map<Integer, byte[]> ensure(int first, int last, boolean background) throws IOException {
        Map<Integer, CompletableFuture<byte[]>> waits = new LinkedHashMap<>();
        List<Integer> mine = new ArrayList<>();
        for (int id = first; id <= last; id++) {
            if (cache.contains(id)) continue;
            CompletableFuture<byte[]> f = new CompletableFuture<>();
            CompletableFuture<byte[]> existing = inflight.putIfAbsent(id, f);
            if (existing != null) {
                waits.put(id, existing);
            } else if (cache.contains(id)) { // finished between the check and the claim
                inflight.remove(id, f);
                f.complete(null);
            } else {
                mine.add(id);
                waits.put(id, f);
            }
        }
        fetchRuns(mine, background);
        Map<Integer, byte[]> result = new LinkedHashMap<>();
        for (var e : waits.entrySet()) {
            try {
                byte[] b = e.getValue().get();
                if (b != null) result.put(e.getKey(), b);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for span %d of layer %s".formatted(e.getKey(), layer));
            } catch (ExecutionException ee) {
                Throwable c = ee.getCause();
                throw c instanceof IOException io ? new IOException(io.getMessage(), io)
                        : new IOException("span %d of layer %s: %s".formatted(e.getKey(), layer, c), c);
            }
        }
        return result;
    }

    /** Fetches the claimed spans, consecutive ones in one request each, completing every claimed future. */
    private void fetchRuns(List<Integer> claimed, boolean background) {
        int i = 0;
        while (i < claimed.size()) {
            int j = i;
            long start = table.span(claimed.get(i)).compressedStart();
            while (j + 1 < claimed.size() && claimed.get(j + 1) == claimed.get(j) + 1
                    && table.span(claimed.get(j + 1)).compressedEnd() - start <= MAX_REQUEST_BYTES) j++;
            List<Integer> run = claimed.subList(i, j + 1);
            try {
                fetchRun(run, background);
            } catch (Throwable t) {
                stats.fetchFailures.incrementAndGet();
                log.atWarn().addKeyValue("layer", layer).addKeyValue("span", run.getFirst()).setCause(t)
                        .log("span fetch failed");
                for (int id : run) {
                    CompletableFuture<byte[]> f = inflight.remove(id);
                    if (f != null) f.completeExceptionally(t);
                }
            }
            i = j + 1;
        }
    }

    private void fetchRun(List<Integer> run, boolean background) throws IOException {
        Span first = table.span(run.getFirst());
        Span last = table.span(run.getLast());
        long start = first.compressedStart();
        byte[] all = read(start, last.compressedEnd() - start);
        for (int id : run) {
            Span span = table.span(id);
            byte[] compressed = java.util.Arrays.copyOfRange(all, (int) (span.compressedStart() - start),
                    (int) (span.compressedEnd() - start));
            if (!digestOf(compressed).equals(span.digest())) {
                log.atWarn().addKeyValue("layer", layer).addKeyValue("span", id).log("span failed verification; fetching it again");
                compressed = read(span.compressedStart(), span.compressedLength());
                String again = digestOf(compressed);
                if (!again.equals(span.digest())) {
                    throw new SpanVerificationException("span %d of layer %s failed verification: expected %s, got %s after 2 attempts"
                            .formatted(id, layer, span.digest(), again));
                }
            }
            byte[] uncompressed = inflate(span, compressed);
            cache.put(id, uncompressed);
            (background ? stats.spansInBackground : stats.spansOnDemand).incrementAndGet();
            CompletableFuture<byte[]> f = inflight.remove(id);
            if (f != null) f.complete(uncompressed);
        }
    }

    private byte[] read(long offset, long length) throws IOException {
        byte[] b = new byte[Math.toIntExact(length)];
        source.readFully(offset, b, 0, b.length);
        stats.bytesFetched.addAndGet(length);
        return b;
    }

    private byte[] inflate(Span span, byte[] compressed) throws IOException {
        if (checkpoints == null) return compressed; // uncompressed layer: the span is the data
        byte[] out = new byte[Math.toIntExact(span.uncompressedLength())];
        SpanInflater.inflate(checkpoints, span.id(), compressed, span.uncompressedStart(), out, 0, out.length);
        return out;
    }

    private static String digestOf(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
