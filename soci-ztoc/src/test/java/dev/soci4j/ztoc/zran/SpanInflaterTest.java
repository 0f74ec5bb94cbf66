package dev.soci4j.ztoc.zran;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.ztoc.InvalidLayerException;
import dev.soci4j.ztoc.InvalidZtocException;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SeededRandom.class)
class SpanInflaterTest {
    @Test
    void rejectsRangesOutsideTheSpan(Random random) throws Exception {
        byte[] data = GzipFixtures.content(random, 500_000);
        byte[] gz = GzipFixtures.member(data, 6, GzipFixtures.Header.PLAIN, random, true);
        GzipIndex index = GzipFixtures.index(gz, 64 << 10, random, 1 << 20, new ByteArrayOutputStream());
        SpanInflater spans = new SpanInflater(index.checkpoints(), index.uncompressedSize());
        assertThat(index.checkpoints().spanCount()).isGreaterThan(2);
        ByteBuffer span1 = GzipFixtures.spanBytes(gz, index.checkpoints(), 1);
        long start = spans.spanStart(1);
        long end = spans.spanEnd(1);
        for (long[] range : new long[][] {{start - 1, start + 10}, {start, end + 1}, {end - 1, end - 2}, {end, end + 5}}) {
            assertThatThrownBy(() -> spans.read(1, span1, range[0], range[1]))
                    .isInstanceOf(InvalidZtocException.class).hasMessageContaining("is not inside span 1");
        }
        assertThatThrownBy(() -> spans.read(99, span1, 0, 1)).isInstanceOf(InvalidZtocException.class)
                .hasMessageContaining("span 99 does not exist");
        assertThatThrownBy(() -> spans.read(-1, span1, 0, 1)).isInstanceOf(InvalidZtocException.class);
        assertThat(spans.read(1, span1, end, end)).isEmpty();
        assertThat(span1.position()).as("input position untouched").isZero();
        assertThatThrownBy(() -> new SpanInflater(index.checkpoints(), spans.spanStart(2) - 1))
                .isInstanceOf(InvalidZtocException.class);
    }

    @Test
    void staticFormReadsIntoAnArrayOffset(Random random) throws Exception {
        byte[] data = GzipFixtures.content(random, 400_000);
        byte[] gz = GzipFixtures.member(data, 6, GzipFixtures.Header.PLAIN, random, true);
        GzipIndex index = GzipFixtures.index(gz, 64 << 10, random, 1 << 20, new ByteArrayOutputStream());
        GzipCheckpoints checkpoints = index.checkpoints();
        for (int span = 0; span < checkpoints.spanCount(); span++) {
            ByteBuffer bytes = GzipFixtures.spanBytes(gz, checkpoints, span);
            byte[] compressed = new byte[bytes.remaining()];
            bytes.get(compressed);
            long start = checkpoints.checkpoint(span).out();
            long end = span + 1 < checkpoints.spanCount() ? checkpoints.checkpoint(span + 1).out() : data.length;
            long from = start + random.nextInt((int) (end - start));
            int length = (int) (end - from);
            byte[] dst = new byte[length + 7];
            SpanInflater.inflate(checkpoints, span, compressed, from, dst, 7, length);
            assertThat(ByteBuffer.wrap(dst, 7, length)).isEqualTo(ByteBuffer.wrap(data, (int) from, length));
            if (span + 1 < checkpoints.spanCount()) {
                int s = span;
                assertThatThrownBy(() -> SpanInflater.inflate(checkpoints, s, compressed, from, new byte[length + 1], 0, length + 1))
                        .isInstanceOf(InvalidZtocException.class);
            } else {
                assertThatThrownBy(() -> SpanInflater.inflate(checkpoints, checkpoints.spanCount() - 1, compressed, from,
                        new byte[length + 1], 0, length + 1))
                        .isInstanceOf(InvalidLayerException.class).hasMessageContaining("ends at uncompressed offset " + data.length);
            }
        }
    }

    @Test
    void truncatedSpanBytesAreReported(Random random) throws Exception {
        byte[] data = GzipFixtures.content(random, 500_000);
        byte[] gz = GzipFixtures.member(data, 6, GzipFixtures.Header.PLAIN, random, true);
        GzipIndex index = GzipFixtures.index(gz, 64 << 10, random, 1 << 20, new ByteArrayOutputStream());
        SpanInflater spans = new SpanInflater(index.checkpoints(), index.uncompressedSize());
        for (int span = 0; span < index.checkpoints().spanCount(); span++) {
            ByteBuffer full = GzipFixtures.spanBytes(gz, index.checkpoints(), span);
            ByteBuffer cut = full.slice(0, random.nextInt(full.remaining() / 2));
            int s = span;
            assertThatThrownBy(() -> spans.read(s, cut, spans.spanStart(s), spans.spanEnd(s)))
                    .isInstanceOf(InvalidLayerException.class).hasMessageContaining("span " + span);
        }
    }

    @Test
    void stopsAtTheEndOfTheLastMember(Random random) throws Exception {
        // a two-member layer where the index claims more output than exists: the read must fail, not hang
        byte[] a = GzipFixtures.content(random, 3000);
        byte[] gz = GzipFixtures.concat(List.of(GzipFixtures.member(a, 6, GzipFixtures.Header.PLAIN, random, false),
                GzipFixtures.member(a, 6, GzipFixtures.Header.random(random), random, false)));
        GzipIndex index = GzipFixtures.index(gz, 1 << 20, random, 1 << 20, new ByteArrayOutputStream());
        SpanInflater lying = new SpanInflater(index.checkpoints(), index.uncompressedSize() + 100);
        assertThat(lying.read(0, ByteBuffer.wrap(gz, 10, gz.length - 10), 0, 6000)).hasSize(6000);
        assertThatThrownBy(() -> lying.read(0, ByteBuffer.wrap(gz, 10, gz.length - 10), 5990, 6010))
                .isInstanceOf(InvalidLayerException.class).hasMessageContaining("ends at uncompressed offset 6000");
    }

    @Test
    void damagedNextMemberHeaderIsReported(Random random) throws Exception {
        byte[] a = GzipFixtures.content(random, 3000);
        byte[] first = GzipFixtures.member(a, 6, GzipFixtures.Header.PLAIN, random, false);
        byte[] gz = GzipFixtures.concat(List.of(first, GzipFixtures.member(a, 6, GzipFixtures.Header.PLAIN, random, false)));
        GzipIndex index = GzipFixtures.index(gz, 1 << 20, random, 1 << 20, new ByteArrayOutputStream());
        SpanInflater spans = new SpanInflater(index.checkpoints(), index.uncompressedSize());
        List<byte[]> damaged = new ArrayList<>();
        for (int at : new int[] {0, 1, 2, 3}) {
            byte[] bad = gz.clone();
            bad[first.length + at] = (byte) (at == 3 ? 0xe0 : 0x55);
            damaged.add(bad);
        }
        for (byte[] bad : damaged) {
            assertThatThrownBy(() -> spans.read(0, ByteBuffer.wrap(bad, 10, bad.length - 10), 2000, 4000))
                    .isInstanceOf(InvalidLayerException.class).hasMessageContaining("span 0 at compressed offset");
        }
    }
}
