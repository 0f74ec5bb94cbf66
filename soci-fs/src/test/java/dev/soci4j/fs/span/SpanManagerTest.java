package dev.soci4j.fs.span;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.ztoc.testing.SeededRandom;
import dev.soci4j.ztoc.RangeSource;
import dev.soci4j.ztoc.SpanTable;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.ZtocBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SeededRandom.class)
class SpanManagerTest {
    @TempDir
    Path tmp;

    private byte[] data;
    private Ztoc ztoc;
    private byte[] blob;

    /** A gzip "layer" of compressible random data (the zTOC builder only needs gzip framing and a tar). */
    private void layer(Random random) throws IOException {
        // a single-file tar is enough: spans are about the uncompressed stream, not its entries
        byte[] content = new byte[1_500_000];
        for (int i = 0; i < content.length; i++) content[i] = (byte) ('a' + random.nextInt(6));
        byte[] header = new byte[512];
        byte[] name = "data".getBytes();
        System.arraycopy(name, 0, header, 0, name.length);
        put(header, 100, "0000644\0");
        put(header, 108, "0000000\0");
        put(header, 116, "0000000\0");
        put(header, 124, String.format("%011o\0", content.length));
        put(header, 136, "00000000000\0");
        header[156] = '0';
        put(header, 257, "ustar\0");
        put(header, 263, "00");
        Arrays.fill(header, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : header) sum += b & 0xff;
        put(header, 148, String.format("%06o\0 ", sum));
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        tar.write(header);
        tar.write(content);
        tar.write(new byte[(512 - content.length % 512) % 512 + 1024]);
        data = tar.toByteArray();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(data);
        }
        blob = gz.toByteArray();
        Path file = tmp.resolve("layer.tar.gz");
        Files.write(file, blob);
        ztoc = new ZtocBuilder(64 << 10).build(file);
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes();
        System.arraycopy(b, 0, h, off, b.length);
    }

    /** Counts requests; flips a byte at {@code corruptAt} for the first {@code badAnswers} requests covering it. */
    private static final class CountingSource implements RangeSource {
        final RangeSource inner;
        final AtomicInteger requests = new AtomicInteger();
        final long corruptAt;
        final AtomicInteger badAnswers;

        CountingSource(byte[] blob, long corruptAt, int badAnswers) {
            this.inner = RangeSource.ofBytes(blob);
            this.corruptAt = corruptAt;
            this.badAnswers = new AtomicInteger(badAnswers);
        }

        @Override
        public long size() throws IOException {
            return inner.size();
        }

        @Override
        public void readFully(long offset, byte[] dst, int dstOffset, int length) throws IOException {
            requests.incrementAndGet();
            inner.readFully(offset, dst, dstOffset, length);
            if (corruptAt >= offset && corruptAt < offset + length && badAnswers.getAndDecrement() > 0)
                dst[dstOffset + (int) (corruptAt - offset)] ^= 1;
        }
    }

    private final java.util.List<SpanManager> managers = new java.util.ArrayList<>();

    /** The temp dir goes away after each test: cache writes still running would race its deletion. */
    @org.junit.jupiter.api.AfterEach
    void closeManagers() {
        managers.forEach(SpanManager::close);
    }

    private SpanManager manager(RangeSource source, long cacheLimit) throws IOException {
        SpanManager m = new SpanManager("test", SpanTable.of(ztoc), source, new SpanCache(tmp.resolve("cache"), cacheLimit), new LayerStats());
        managers.add(m);
        return m;
    }

    @Test
    void oneReadAcrossManySpansIsOneRequestAndMatchesTheData(Random random) throws Exception {
        layer(random);
        CountingSource source = new CountingSource(blob, -1, 0);
        SpanManager spans = manager(source, 1L << 30);
        assertThat(spans.spans().count()).isGreaterThan(10);
        byte[] got = new byte[1_000_000];
        spans.read(100_000, got, 0, got.length);
        assertThat(got).isEqualTo(Arrays.copyOfRange(data, 100_000, 1_100_000));
        assertThat(source.requests.get()).isEqualTo(1);
        // again: from the cache, no request
        spans.read(100_000, got, 0, got.length);
        assertThat(source.requests.get()).isEqualTo(1);
        assertThat(spans.stats().cacheHits.get()).isPositive();
    }

    @Test
    void concurrentReadersFetchEachSpanOnce(Random random) throws Exception {
        layer(random);
        CountingSource source = new CountingSource(blob, -1, 0);
        SpanManager spans = manager(source, 1L << 30);
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long seed = random.nextLong();
                all.add(pool.submit(() -> {
                    Random r = new Random(seed);
                    for (int i = 0; i < 50; i++) {
                        int off = r.nextInt(data.length - 10_000);
                        byte[] got = new byte[1 + r.nextInt(10_000)];
                        spans.read(off, got, 0, got.length);
                        assertThat(got).isEqualTo(Arrays.copyOfRange(data, off, off + got.length));
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) f.get();
        }
        assertThat(spans.stats().spansOnDemand.get()).isLessThanOrEqualTo(spans.spans().count());
    }

    @Test
    void aWrongAnswerIsFetchedAgainAndTwoFailTheReadWithoutWrongBytes(Random random) throws Exception {
        layer(random);
        var span = SpanTable.of(ztoc).span(3);
        long at = (span.compressedStart() + span.compressedEnd()) / 2;
        byte[] got = new byte[(int) span.uncompressedLength()];

        CountingSource once = new CountingSource(blob, at, 1);
        manager(once, 1L << 30).read(span.uncompressedStart(), got, 0, got.length);
        assertThat(got).isEqualTo(Arrays.copyOfRange(data, (int) span.uncompressedStart(), (int) span.uncompressedEnd()));
        assertThat(once.requests.get()).isEqualTo(2);

        CountingSource always = new CountingSource(blob, at, Integer.MAX_VALUE);
        SpanManager failing = manager(always, 1L << 30);
        byte[] untouched = new byte[got.length];
        assertThatThrownBy(() -> failing.read(span.uncompressedStart(), untouched, 0, untouched.length))
                .isInstanceOf(IOException.class).hasMessageContaining("span 3").hasMessageContaining("failed verification");
        assertThat(failing.isCached(3)).isFalse();
        assertThat(failing.stats().fetchFailures.get()).isEqualTo(1);
    }

    @Test
    void aSmallCacheEvictsAndStillServesTheRightBytes(Random random) throws Exception {
        layer(random);
        CountingSource source = new CountingSource(blob, -1, 0);
        SpanManager spans = manager(source, 200_000); // about three spans
        for (int pass = 0; pass < 2; pass++) {
            for (int off = 0; off < data.length; off += 70_000) {
                byte[] got = new byte[Math.min(70_000, data.length - off)];
                spans.read(off, got, 0, got.length);
                assertThat(got).isEqualTo(Arrays.copyOfRange(data, off, off + got.length));
            }
        }
        spans.awaitCacheWrites();
        try (var cached = Files.list(tmp.resolve("cache"))) {
            assertThat(cached.count()).isLessThanOrEqualTo(4);
        }
    }

    @Test
    void backgroundFetchMakesTheLayerLocalWithLargeRequests(Random random) throws Exception {
        layer(random);
        CountingSource source = new CountingSource(blob, -1, 0);
        SpanManager spans = manager(source, 1L << 30);
        int count = spans.spans().count();
        try (var fetcher = dev.soci4j.fs.fetch.BackgroundFetcher.start("test", spans)) {
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            while (fetcher.running() && System.nanoTime() < deadline) Thread.sleep(20);
        }
        for (int id = 0; id < count; id++) assertThat(spans.isCached(id)).as("span %d", id).isTrue();
        assertThat(spans.stats().spansInBackground.get()).isEqualTo(count);
        assertThat(source.requests.get()).isEqualTo((count + 7) / 8);
        // afterwards reads touch no network
        byte[] all = new byte[data.length];
        spans.read(0, all, 0, all.length);
        assertThat(all).isEqualTo(data);
        assertThat(source.requests.get()).isEqualTo((count + 7) / 8);
    }

    @Test
    void aPrefetchedRangeServesWaitingReadersOnceCompletedAndAnAbandonedOneIsFetchedAgain(Random random) throws Exception {
        layer(random);
        CountingSource source = new CountingSource(blob, -1, 0);
        SpanManager spans = manager(source, 1L << 30);
        SpanTable table = SpanTable.of(ztoc);
        SpanManager.Prefetched p = spans.prefetch(0, 3);
        assertThat(source.requests.get()).isEqualTo(1);
        var s1 = table.span(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<byte[]> reader = pool.submit(() -> {
                byte[] got = new byte[(int) s1.uncompressedLength()];
                spans.read(s1.uncompressedStart(), got, 0, got.length);
                return got;
            });
            Thread.sleep(100);
            assertThat(reader.isDone()).as("reader waits for the claimed span").isFalse();
            spans.complete(p);
            assertThat(reader.get()).isEqualTo(Arrays.copyOfRange(data, (int) s1.uncompressedStart(), (int) s1.uncompressedEnd()));
        }
        assertThat(source.requests.get()).isEqualTo(1);
        assertThat(spans.isCached(3)).isTrue();

        SpanManager.Prefetched dropped = spans.prefetch(4, 5);
        spans.abandon(dropped);
        assertThat(spans.isCached(4)).isFalse();
        var s4 = table.span(4);
        byte[] got = new byte[(int) s4.uncompressedLength()];
        spans.read(s4.uncompressedStart(), got, 0, got.length);
        assertThat(got).isEqualTo(Arrays.copyOfRange(data, (int) s4.uncompressedStart(), (int) s4.uncompressedEnd()));
        assertThat(source.requests.get()).isEqualTo(3);
    }

    /**
     * A source that lands a run in small pieces, reporting each (as the registry source does): spans
     * are inflated while they arrive. Once a download starts over (a retried request) with other bytes
     * first, what was inflated meanwhile must not be served: the reader still gets the right bytes.
     */
    @Test
    void spansInflatedWhileTheyDownloadAreRightEvenWhenTheDownloadStartsOver(Random random) throws Exception {
        layer(random);
        // stored deflate blocks (level 0): a changed byte in a block still inflates, to a wrong byte,
        // so bytes inflated from the first attempt would show in the result instead of failing to inflate
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz) {{ def.setLevel(0); }}) {
            out.write(data);
        }
        blob = gz.toByteArray();
        Path file = tmp.resolve("stored.tar.gz");
        Files.write(file, blob);
        ztoc = new ZtocBuilder(64 << 10).build(file);
        for (boolean restart : new boolean[] {false, true}) {
            AtomicInteger requests = new AtomicInteger();
            RangeSource streaming = new RangeSource() {
                @Override
                public long size() {
                    return blob.length;
                }

                @Override
                public void readFully(long offset, byte[] dst, int dstOffset, int length) {
                    System.arraycopy(blob, (int) offset, dst, dstOffset, length);
                }

                @Override
                public void readFully(long offset, byte[] dst, int dstOffset, int length, dev.soci4j.ztoc.Arrival arrival) {
                    requests.incrementAndGet();
                    if (restart) {   // a first attempt with a few wrong bytes, half-way, then the retry from the start
                        System.arraycopy(blob, (int) offset, dst, dstOffset, length / 2);
                        for (int i = 1000; i < length / 2; i += 7919) dst[dstOffset + i] ^= 0x20;
                        arrival.advance(length / 2);
                        try {
                            Thread.sleep(30);   // lets the inflater take them (not a timing assertion: the check is on bytes)
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        arrival.advance(0);
                    }
                    for (int done = 0; done < length; ) {
                        int n = Math.min(4096 + random.nextInt(8192), length - done);
                        System.arraycopy(blob, (int) offset + done, dst, dstOffset + done, n);
                        done += n;
                        arrival.advance(done);
                        if (random.nextInt(4) == 0) Thread.yield();
                    }
                }
            };
            SpanManager spans = manager(streaming, 1L << 30);
            byte[] all = new byte[data.length];
            spans.read(0, all, 0, all.length);
            assertThat(all).as("restart=" + restart).isEqualTo(data);
            assertThat(requests.get()).isPositive();
            spans.awaitCacheWrites();
            for (int id = 0; id < spans.spans().count(); id++) assertThat(spans.isCached(id)).isTrue();
        }
    }

    /**
     * A read in a span gets the span from one fetch; concurrent readers of the same span get it too,
     * with no second request, and it ends up cached.
     */
    @Test
    void aReadAtTheStartOfASpanIsServedFromAPartialInflateAndTheSpanStillCompletes(Random random) throws Exception {
        layer(random);
        CountingSource source = new CountingSource(blob, -1, 0);
        SpanManager spans = manager(source, 1L << 30);
        var table = spans.spans();
        var s2 = table.span(2);
        byte[] head = new byte[100];
        spans.read(s2.uncompressedStart(), head, 0, head.length);
        assertThat(head).isEqualTo(Arrays.copyOfRange(data, (int) s2.uncompressedStart(), (int) s2.uncompressedStart() + 100));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<byte[]>> readers = new java.util.ArrayList<>();
            for (int r = 0; r < 4; r++) {
                long from = s2.uncompressedStart() + random.nextInt((int) s2.uncompressedLength() - 1000);
                readers.add(pool.submit(() -> {
                    byte[] got = new byte[1000];
                    spans.read(from, got, 0, got.length);
                    assertThat(got).isEqualTo(Arrays.copyOfRange(data, (int) from, (int) from + 1000));
                    return got;
                }));
            }
            for (Future<byte[]> f : readers) f.get();
        }
        byte[] whole = new byte[(int) s2.uncompressedLength()];
        spans.read(s2.uncompressedStart(), whole, 0, whole.length);
        assertThat(whole).isEqualTo(Arrays.copyOfRange(data, (int) s2.uncompressedStart(), (int) s2.uncompressedEnd()));
        assertThat(source.requests.get()).isEqualTo(1);
        spans.awaitCacheWrites();
        assertThat(spans.isCached(2)).isTrue();
        assertThat(spans.stats().spansOnDemand.get()).isEqualTo(1);
    }
}
