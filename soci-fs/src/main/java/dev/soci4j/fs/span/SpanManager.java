package dev.soci4j.fs.span;

import dev.soci4j.ztoc.Arrival;
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
import java.util.HashMap;
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
public final class SpanManager implements AutoCloseable {
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
    /** Writes on-demand spans to the cache after their readers have them (a few ms of each first read). */
    private static final java.util.concurrent.Executor CACHE_WRITER = java.util.concurrent.Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("soci-span-cache-", 0).factory());
    /** Inflate spans while they download (platform threads: zlib calls through FFM pin a virtual thread's carrier). */
    private static final java.util.concurrent.ExecutorService INFLATERS = java.util.concurrent.Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("soci-span-inflate-", 0).factory());
    private final AtomicInteger onDemandReads = new AtomicInteger();
    private final AtomicInteger pendingWrites = new AtomicInteger();

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

    /** Waits until the spans already handed to readers are written to the cache (tests, orderly shutdown). */
    public void awaitCacheWrites() throws InterruptedException {
        while (pendingWrites.get() > 0) Thread.sleep(1);
    }

    /** Lets the pending cache writes finish (they are quick: a span file each); nothing else to release. */
    @Override
    public void close() {
        try {
            awaitCacheWrites();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isCached(int spanId) {
        return cache.contains(spanId);
    }

    /** Reads {@code length} uncompressed bytes at {@code offset} of the layer into {@code dst}. */
    public void read(long offset, byte[] dst, int dstOffset, int length) throws IOException {
        read(offset, java.nio.ByteBuffer.wrap(dst, dstOffset, length).slice());
    }

    /**
     * Reads {@code dst.remaining()} uncompressed bytes at {@code offset} of the layer into {@code dst}
     * (absolute puts: its position does not move). Cached spans are read by the file system straight
     * into {@code dst}.
     */
    public void read(long offset, java.nio.ByteBuffer dst) throws IOException {
        int length = dst.remaining();
        int dstOffset = dst.position();
        if (length == 0) return;
        onDemandReads.incrementAndGet();
        try {
            int first = table.spanOf(offset);
            int last = table.spanOf(offset + length - 1);
            Map<Integer, byte[]> fresh = ensureFor(first, last);
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
                while (bytes == null && !cache.read(id, inSpan, dst.slice(at, n))) {
                    if (++attempt > MAX_EVICTION_RETRIES)
                        throw new IOException("span %d of layer %s was evicted %d times while being read; cache too small"
                                .formatted(id, layer, attempt - 1));
                    bytes = ensure(id, id, false).get(id);
                }
                if (bytes != null) dst.put(at, bytes, (int) inSpan, n);
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
        List<Integer> mine = claim(first, last, waits);
        for (List<Integer> run : runsOf(mine)) {
            try {
                long t0 = System.nanoTime();
                byte[] all = read(table.span(run.getFirst()).compressedStart(), runLength(run));
                long t1 = System.nanoTime();
                process(run, all, background);
                logFetched(run, all.length, t0, t1);
            } catch (Throwable t) {
                fail(run, t);
            }
        }
        return await(waits);
    }

    /**
     * {@link #ensure} for a reader: each run of spans this call claims downloads on this thread while
     * a helper thread inflates it as the bytes land (see {@link Arrival}), so when the last byte is in
     * and the run's digests check, its spans are ready at once instead of after 10-20 ms of inflating
     * each. Inflated bytes are used only when every span digest matched and the download never started
     * over; otherwise the spans are inflated again from the verified bytes. The reader gets the spans
     * at once; they are cached behind its back.
     */
    private Map<Integer, byte[]> ensureFor(int first, int last) throws IOException {
        Map<Integer, CompletableFuture<byte[]>> waits = new LinkedHashMap<>();
        List<Integer> mine = claim(first, last, waits);
        Map<Integer, byte[]> inHand = new HashMap<>();
        for (List<Integer> run : runsOf(mine)) {
            try {
                long t0 = System.nanoTime();
                long start = table.span(run.getFirst()).compressedStart();
                byte[] all = new byte[Math.toIntExact(runLength(run))];
                Arrival arrival = new Arrival(all.length);
                List<java.util.concurrent.Future<byte[]>> early = new ArrayList<>();
                if (checkpoints != null) {
                    for (int id : run) {
                        Span span = table.span(id);
                        early.add(INFLATERS.submit(() -> {
                            byte[] out = new byte[Math.toIntExact(span.uncompressedLength())];
                            new SpanInflater(checkpoints, Long.MAX_VALUE).read(span.id(),
                                    java.nio.ByteBuffer.wrap(all, (int) (span.compressedStart() - start), (int) span.compressedLength()),
                                    span.uncompressedStart(), span.uncompressedEnd(), java.nio.ByteBuffer.wrap(out), arrival);
                            return out;
                        }));
                    }
                }
                try {
                    source.readFully(start, all, 0, all.length, arrival);
                } catch (IOException | RuntimeException e) {
                    arrival.fail(e instanceof IOException io ? io : new IOException(e));   // the inflaters stop waiting
                    throw e;
                } finally {
                    if (arrival.restarted()) early.forEach(f -> f.cancel(true));   // their bytes may have been another attempt's
                }
                stats.bytesFetched.addAndGet(all.length);
                long t1 = System.nanoTime();
                for (int i = 0; i < run.size(); i++) {
                    int id = run.get(i);
                    Span span = table.span(id);
                    byte[] given = java.util.Arrays.copyOfRange(all, (int) (span.compressedStart() - start), (int) (span.compressedEnd() - start));
                    byte[] compressed = verified(span, given);
                    byte[] bytes = null;
                    if (compressed == given && !arrival.restarted() && !early.isEmpty()) {
                        try {
                            bytes = early.get(i).get();
                        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                            log.atDebug().addKeyValue("layer", layer).addKeyValue("span", id).setCause(e).log("inflating while downloading failed; inflating again");
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new java.io.InterruptedIOException("interrupted inflating span " + id);
                        }
                    }
                    if (bytes == null) bytes = inflate(span, compressed);
                    stats.spansOnDemand.incrementAndGet();
                    inHand.put(id, bytes);
                    handOver(id, bytes);
                }
                logFetched(run, all.length, t0, t1);
            } catch (Throwable t) {
                fail(run, t);
            }
        }
        inHand.keySet().forEach(waits::remove);
        Map<Integer, byte[]> result = await(waits);
        result.putAll(inHand);
        return result;
    }

    /** Debug log of one run fetched for a reader: how long the download and the work after it took. */
    private void logFetched(List<Integer> run, int bytes, long startNanos, long downloadedNanos) {
        if (!log.isDebugEnabled()) return;
        log.atDebug().addKeyValue("layer", layer).addKeyValue("spans", run.getFirst() + "-" + run.getLast())
                .addKeyValue("bytes", bytes).addKeyValue("fetch_ms", (downloadedNanos - startNanos) / 1_000_000)
                .addKeyValue("process_ms", (System.nanoTime() - downloadedNanos) / 1_000_000).log("spans fetched on demand");
    }

    /**
     * A claimed span is ready: its waiters get it now, and it is written to the cache behind their
     * back. The claim stays until the file is there, so nobody fetches the span again meanwhile (a new
     * reader finds the completed claim and takes its bytes).
     */
    private void handOver(int id, byte[] bytes) throws IOException {
        CompletableFuture<byte[]> f = inflight.get(id);
        if (f == null) {
            cache.put(id, bytes);
            return;
        }
        f.complete(bytes);
        pendingWrites.incrementAndGet();
        CACHE_WRITER.execute(() -> {
            try {
                cache.put(id, bytes);
            } catch (IOException | RuntimeException e) {
                log.atWarn().addKeyValue("layer", layer).addKeyValue("span", id).setCause(e)
                        .log("cannot cache span; it will be fetched again when read");
            } finally {
                inflight.remove(id, f);
                pendingWrites.decrementAndGet();
            }
        });
    }

    /** The span's compressed bytes once they match its digest: as given, or fetched once more; else an error. */
    private byte[] verified(Span span, byte[] compressed) throws IOException {
        if (digestOf(compressed).equals(span.digest())) return compressed;
        log.atWarn().addKeyValue("layer", layer).addKeyValue("span", span.id()).log("span failed verification; fetching it again");
        byte[] again = read(span.compressedStart(), span.compressedLength());
        String digest = digestOf(again);
        if (!digest.equals(span.digest()))
            throw new SpanVerificationException("span %d of layer %s failed verification: expected %s, got %s after 2 attempts"
                    .formatted(span.id(), layer, span.digest(), digest));
        return again;
    }

    /**
     * Compressed bytes of spans claimed by {@link #prefetch}, read but not yet verified or cached;
     * whoever holds one must pass it to {@link #complete} or {@link #abandon}, or readers of those
     * spans wait forever.
     */
    public static final class Prefetched {
        private final List<List<Integer>> runs;
        private final List<byte[]> bytes;
        private final Map<Integer, CompletableFuture<byte[]>> waits;
        private boolean done;

        private Prefetched(List<List<Integer>> runs, List<byte[]> bytes, Map<Integer, CompletableFuture<byte[]>> waits) {
            this.runs = runs;
            this.bytes = bytes;
            this.waits = waits;
        }
    }

    /**
     * The network half of a background {@link #ensure}: claims the absent spans of {@code [first, last]}
     * and reads their compressed bytes (one Range request per run). On failure the claims are released.
     */
    public Prefetched prefetch(int first, int last) throws IOException {
        Map<Integer, CompletableFuture<byte[]>> waits = new LinkedHashMap<>();
        List<Integer> mine = claim(first, last, waits);
        List<List<Integer>> runs = runsOf(mine);
        List<byte[]> bytes = new ArrayList<>(runs.size());
        int i = 0;
        try {
            for (; i < runs.size(); i++) bytes.add(read(table.span(runs.get(i).getFirst()).compressedStart(), runLength(runs.get(i))));
        } catch (Throwable t) {
            for (; i < runs.size(); i++) fail(runs.get(i), t);
            for (int k = 0; k < bytes.size(); k++) release(runs.get(k), t);
            throw t;
        }
        return new Prefetched(runs, bytes, waits);
    }

    /** The CPU half: verifies, inflates and caches what {@link #prefetch} read; then as {@link #ensure}. */
    public void complete(Prefetched p) throws IOException {
        synchronized (p) {
            if (p.done) throw new IllegalStateException("prefetched spans of layer %s completed twice".formatted(layer));
            p.done = true;
        }
        for (int i = 0; i < p.runs.size(); i++) {
            try {
                process(p.runs.get(i), p.bytes.get(i), true);
            } catch (Throwable t) {
                fail(p.runs.get(i), t);
            }
            p.bytes.set(i, null);
        }
        await(p.waits);
    }

    /** Releases the claims of prefetched spans that will not be completed (the fetcher is closing). */
    public void abandon(Prefetched p) {
        synchronized (p) {
            if (p.done) return;
            p.done = true;
        }
        var why = new InterruptedIOException("background fetch of layer %s stopped".formatted(layer));
        for (List<Integer> run : p.runs) release(run, why);
    }

    /** Claims the spans of {@code [first, last]} that are neither cached nor being fetched; every wait goes into {@code waits}. */
    private List<Integer> claim(int first, int last, Map<Integer, CompletableFuture<byte[]>> waits) {
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
        return mine;
    }

    private Map<Integer, byte[]> await(Map<Integer, CompletableFuture<byte[]>> waits) throws IOException {
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

    /** Splits claimed spans into runs of consecutive ones, each under {@link #MAX_REQUEST_BYTES}: one request each. */
    private List<List<Integer>> runsOf(List<Integer> claimed) {
        List<List<Integer>> runs = new ArrayList<>();
        int i = 0;
        while (i < claimed.size()) {
            int j = i;
            long start = table.span(claimed.get(i)).compressedStart();
            while (j + 1 < claimed.size() && claimed.get(j + 1) == claimed.get(j) + 1
                    && table.span(claimed.get(j + 1)).compressedEnd() - start <= MAX_REQUEST_BYTES) j++;
            runs.add(claimed.subList(i, j + 1));
            i = j + 1;
        }
        return runs;
    }

    private long runLength(List<Integer> run) {
        return table.span(run.getLast()).compressedEnd() - table.span(run.getFirst()).compressedStart();
    }

    /** A run failed: counted, logged, and its claims released with the cause. */
    private void fail(List<Integer> run, Throwable t) {
        stats.fetchFailures.incrementAndGet();
        log.atWarn().addKeyValue("layer", layer).addKeyValue("span", run.getFirst()).setCause(t)
                .log("span fetch failed");
        release(run, t);
    }

    private void release(List<Integer> run, Throwable t) {
        for (int id : run) {
            CompletableFuture<byte[]> f = inflight.remove(id);
            if (f != null) f.completeExceptionally(t);
        }
    }

    private void process(List<Integer> run, byte[] all, boolean background) throws IOException {
        long start = table.span(run.getFirst()).compressedStart();
        for (int id : run) {
            Span span = table.span(id);
            byte[] compressed = verified(span, java.util.Arrays.copyOfRange(all, (int) (span.compressedStart() - start),
                    (int) (span.compressedEnd() - start)));
            byte[] uncompressed = inflate(span, compressed);
            (background ? stats.spansInBackground : stats.spansOnDemand).incrementAndGet();
            if (background) {
                // the background fetcher writes the cache itself: its pace then bounds the memory held
                cache.put(id, uncompressed);
                CompletableFuture<byte[]> f = inflight.remove(id);
                if (f != null) f.complete(uncompressed);
            } else {
                handOver(id, uncompressed);
            }
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
