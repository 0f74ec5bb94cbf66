package dev.soci4j.ztoc.zran;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci4j.ztoc.testing.SeededRandom;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Index a layer, then check everything the index promises: the sink saw every byte, checkpoints obey
 * the span rule, each digest covers its span's geometry (the last one the trailer), the blob round
 * trips, and any range read back through {@link SpanInflater} equals the original.
 */
@ExtendWith(SeededRandom.class)
class GzipRoundTripTest {
    private static final long SPAN_64K = 64 << 10;

    @ParameterizedTest(name = "level {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
    void deflaterLevelsWithRandomHeaders(int level, Random random) throws Exception {
        for (int size : new int[] {0, 1, 1000, 70_000, 1 + random.nextInt(3 << 20)}) {
            byte[] data = GzipFixtures.content(random, size);
            byte[] gz = GzipFixtures.member(data, level, GzipFixtures.Header.random(random), random, random.nextBoolean());
            verify(data, gz, SPAN_64K, random);
        }
    }

    @Test
    void manySmallSpansWithFlushesBorrowBits(Random random) throws Exception {
        byte[] data = GzipFixtures.content(random, 2 << 20);
        byte[] gz = GzipFixtures.member(data, 6, GzipFixtures.Header.PLAIN, random, true);
        GzipIndex index = verify(data, gz, 4096, random);
        assertThat(index.checkpoints().checkpoints()).as("some spans start mid-byte").anyMatch(c -> c.bits() != 0);
    }

    @Test
    void earlyCheckpointsHaveZeroFilledWindows(Random random) throws Exception {
        byte[] data = GzipFixtures.content(random, 200_000);
        byte[] gz = GzipFixtures.member(data, 6, GzipFixtures.Header.PLAIN, random, true, () -> 700 + random.nextInt(2000));
        GzipIndex index = verify(data, gz, 500, random);
        assertThat(index.checkpoints().checkpoints()).as("some start with less than a window of history")
                .anyMatch(c -> c.out() > 0 && c.out() < Checkpoint.WINDOW_SIZE);
    }

    @Test
    void spanSizeOneByteCheckpointsEveryBlock(Random random) throws Exception {
        byte[] data = GzipFixtures.content(random, 300_000);
        byte[] gz = GzipFixtures.member(data, 1, GzipFixtures.Header.PLAIN, random, true);
        verify(data, gz, 1, random);
    }

    @Test
    void concatenatedMembersSomeEmpty(Random random) throws Exception {
        for (int round = 0; round < 4; round++) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            List<byte[]> members = new ArrayList<>();
            int count = 1 + random.nextInt(6);
            for (int i = 0; i < count; i++) {
                byte[] part = GzipFixtures.content(random, random.nextInt(4) == 0 ? 0 : random.nextInt(400_000));
                all.writeBytes(part);
                members.add(GzipFixtures.member(part, random.nextInt(10), GzipFixtures.Header.random(random), random,
                        random.nextBoolean()));
            }
            GzipIndex index = verify(all.toByteArray(), GzipFixtures.concat(members), 16 << 10, random);
            assertThat(index.checkpoints().checkpoint(0).in()).isGreaterThanOrEqualTo(10);
        }
    }

    @Test
    void laterMemberHeadersAreNeverCheckpoints(Random random) throws Exception {
        // members of 100 KiB with a 1 KiB span: every member boundary is past the span size
        List<byte[]> members = new ArrayList<>();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<Long> memberDataStarts = new ArrayList<>();
        long offset = 0;
        long compressed = 0;
        List<Long> headerEnds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] part = GzipFixtures.content(random, 100 << 10);
            byte[] member = GzipFixtures.member(part, 6, GzipFixtures.Header.PLAIN, random, false);
            headerEnds.add(compressed + 10);
            memberDataStarts.add(offset);
            members.add(member);
            all.writeBytes(part);
            offset += part.length;
            compressed += member.length;
        }
        GzipIndex index = verify(all.toByteArray(), GzipFixtures.concat(members), 1024, random);
        List<Long> ins = index.checkpoints().checkpoints().stream().map(Checkpoint::in).toList();
        assertThat(ins).contains(headerEnds.getFirst()).doesNotContainAnyElementsOf(headerEnds.subList(1, 5));
    }

    @Test
    void pigzSingleAndMultiMember(Random random) throws Exception {
        byte[] data = GzipFixtures.content(random, 3 << 20);
        verify(data, GzipFixtures.pigz(data, "-6", "-b", "128", "-p", "2"), SPAN_64K, random);
        verify(data, GzipFixtures.pigz(data, "-1", "-i", "-b", "64"), SPAN_64K, random);
        verify(data, GzipFixtures.pigz(data, "-9", "-n", "-b", "32"), 4096, random);
        List<byte[]> members = new ArrayList<>();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < 3; i++) {
            byte[] part = GzipFixtures.content(random, i == 1 ? 0 : 700_000);
            all.writeBytes(part);
            members.add(GzipFixtures.pigz(part, "-" + (1 + random.nextInt(9))));
        }
        verify(all.toByteArray(), GzipFixtures.concat(members), SPAN_64K, random);
    }

    @Test
    void concurrentReadsAgree(Random random) throws Exception {
        byte[] data = GzipFixtures.content(random, 2 << 20);
        byte[] gz = GzipFixtures.member(data, 6, GzipFixtures.Header.PLAIN, random, true);
        GzipIndex index = GzipFixtures.index(gz, SPAN_64K, random, 1 << 20, new ByteArrayOutputStream());
        SpanInflater spans = new SpanInflater(index.checkpoints(), index.uncompressedSize());
        long seed = random.nextLong();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long threadSeed = seed + t;
                results.add(pool.submit(() -> {
                    Random r = new Random(threadSeed);
                    int checked = 0;
                    for (int i = 0; i < 50; i++) {
                        checked += checkRandomRange(spans, gz, data, index.checkpoints(), r);
                    }
                    return checked;
                }));
            }
            for (Future<Integer> f : results) assertThat(f.get()).isPositive();
        }
    }

    /** Indexes and checks every promise; returns the index. */
    static GzipIndex verify(byte[] data, byte[] gz, long spanSize, Random random) throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        int maxChunk = random.nextBoolean() ? 1 + random.nextInt(5000) : 1 + random.nextInt(3 << 20);
        GzipIndex index = GzipFixtures.index(gz, spanSize, random, maxChunk, sink);
        String context = "size %d, gz %d, span %d".formatted(data.length, gz.length, spanSize);

        assertThat(sink.toByteArray()).as(context).isEqualTo(data);
        assertThat(index.uncompressedSize()).isEqualTo(data.length);
        assertThat(index.compressedSize()).isEqualTo(gz.length);

        GzipCheckpoints checkpoints = index.checkpoints();
        List<Checkpoint> list = checkpoints.checkpoints();
        assertThat(list.getFirst().out()).isZero();
        assertThat(list.getFirst().bits()).isZero();
        assertThat(list.getFirst().window()).isEqualTo(ByteBuffer.allocate(Checkpoint.WINDOW_SIZE));
        for (int i = 1; i < list.size(); i++) {
            Checkpoint c = list.get(i);
            assertThat(c.out() - list.get(i - 1).out()).as(context + " span %d length", i - 1).isGreaterThan(spanSize);
            ByteBuffer expectedWindow = ByteBuffer.allocate(Checkpoint.WINDOW_SIZE);
            int have = (int) Math.min(c.out(), Checkpoint.WINDOW_SIZE);
            expectedWindow.put(Checkpoint.WINDOW_SIZE - have, data, (int) c.out() - have, have);
            assertThat(c.window()).as(context + " window of checkpoint %d", i).isEqualTo(expectedWindow);
        }

        assertThat(index.spanDigests()).hasSize(list.size());
        for (int i = 0; i < list.size(); i++) {
            assertThat(index.spanDigests().get(i)).as(context + " digest of span %d", i)
                    .isEqualTo(GzipFixtures.sha256(GzipFixtures.spanBytes(gz, checkpoints, i)));
        }
        ByteBuffer last = GzipFixtures.spanBytes(gz, checkpoints, list.size() - 1);
        assertThat(last.arrayOffset() + last.remaining()).as("last span covers the trailer").isEqualTo(gz.length);

        byte[] blob = checkpoints.toBytes();
        assertThat(blob).hasSize(12 + list.size() * 32785);
        assertThat(GzipCheckpoints.parse(blob)).isEqualTo(checkpoints);

        SpanInflater spans = new SpanInflater(checkpoints, index.uncompressedSize());
        for (int span = 0; span < list.size(); span++) {
            long start = spans.spanStart(span);
            long end = spans.spanEnd(span);
            ByteBuffer dest = random.nextBoolean() ? ByteBuffer.allocate((int) (end - start))
                    : ByteBuffer.allocateDirect((int) (end - start));
            spans.read(span, GzipFixtures.spanBytes(gz, checkpoints, span), start, end, dest);
            assertThat(dest.flip()).as(context + " whole span %d", span)
                    .isEqualTo(ByteBuffer.wrap(data, (int) start, (int) (end - start)));
        }
        for (int i = 0; i < 20; i++) checkRandomRange(spans, gz, data, checkpoints, random);
        return index;
    }

    private static int checkRandomRange(SpanInflater spans, byte[] gz, byte[] data, GzipCheckpoints checkpoints,
                                        Random random) throws Exception {
        int span = random.nextInt(checkpoints.spanCount());
        long start = spans.spanStart(span);
        long end = spans.spanEnd(span);
        long from = start + (long) (random.nextDouble() * (end - start));
        long to = from + (long) (random.nextDouble() * (end - from));
        ByteBuffer compressed = GzipFixtures.spanBytes(gz, checkpoints, span);
        if (random.nextBoolean()) compressed = ByteBuffer.allocateDirect(compressed.remaining()).put(compressed).flip();
        byte[] got = spans.read(span, compressed, from, to);
        assertThat(ByteBuffer.wrap(got)).as("span %d range [%d, %d)", span, from, to)
                .isEqualTo(ByteBuffer.wrap(data, (int) from, (int) (to - from)));
        return got.length + 1;
    }
}
