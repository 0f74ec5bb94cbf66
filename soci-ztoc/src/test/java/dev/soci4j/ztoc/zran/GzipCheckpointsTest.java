package dev.soci4j.ztoc.zran;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.ztoc.InvalidZtocException;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SeededRandom.class)
class GzipCheckpointsTest {
    private static final int C = 32785;

    private static Checkpoint checkpoint(long in, long out, int bits, Random random) {
        byte[] window = new byte[Checkpoint.WINDOW_SIZE];
        random.nextBytes(window);
        return new Checkpoint(in, out, bits, ByteBuffer.wrap(window));
    }

    private static GzipCheckpoints sample(Random random) {
        return new GzipCheckpoints(1 << 20, List.of(Checkpoint.first(10), checkpoint(5000, 1_100_000, 3, random),
                checkpoint(9000, 2_300_000, 0, random)));
    }

    @Test
    void writesV2LittleEndianTightlyPacked(Random random) throws Exception {
        GzipCheckpoints checkpoints = sample(random);
        byte[] blob = checkpoints.toBytes();
        assertThat(blob).hasSize(12 + 3 * C);
        ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0)).isEqualTo(3);
        assertThat(b.getLong(4)).isEqualTo(1 << 20);
        assertThat(b.getLong(12 + C)).isEqualTo(5000);
        assertThat(b.getLong(12 + C + 8)).isEqualTo(1_100_000);
        assertThat(blob[12 + C + 16]).isEqualTo((byte) 3);
        assertThat(ByteBuffer.wrap(blob, 12 + C + 17, Checkpoint.WINDOW_SIZE)).isEqualTo(checkpoints.checkpoint(1).window());
        assertThat(GzipCheckpoints.parse(blob)).isEqualTo(checkpoints);
    }

    @Test
    void parsesV1WithImpliedFirstCheckpoint(Random random) throws Exception {
        GzipCheckpoints v2 = sample(random);
        byte[] full = v2.toBytes();
        byte[] v1 = new byte[full.length - C];
        System.arraycopy(full, 0, v1, 0, 12);
        System.arraycopy(full, 12 + C, v1, 12, full.length - 12 - C);
        GzipCheckpoints parsed = GzipCheckpoints.parse(v1);
        assertThat(parsed.spanCount()).isEqualTo(3);
        assertThat(parsed.checkpoint(0)).isEqualTo(Checkpoint.first(10));
        assertThat(parsed.checkpoint(0).window()).isEqualTo(ByteBuffer.allocate(Checkpoint.WINDOW_SIZE));
        assertThat(parsed.checkpoints().subList(1, 3)).isEqualTo(v2.checkpoints().subList(1, 3));
        assertThat(parsed.toBytes()).as("written back as v2").isEqualTo(full);
        // a v1 blob with only the implied checkpoint
        byte[] single = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putLong(4096).array();
        assertThat(GzipCheckpoints.parse(single).checkpoints()).containsExactly(Checkpoint.first(10));
    }

    @Test
    void acceptsSeveralCheckpointsAtOutZeroAsTheCBuilderWrites(Random random) throws Exception {
        GzipCheckpoints c = new GzipCheckpoints(1 << 20, List.of(Checkpoint.first(10), new Checkpoint(15, 0, 0,
                ByteBuffer.allocate(Checkpoint.WINDOW_SIZE)), checkpoint(5000, 1_100_000, 3, random)));
        assertThat(GzipCheckpoints.parse(c.toBytes())).isEqualTo(c);
        assertThat(c.spanContaining(0)).isEqualTo(1);
    }

    @Test
    void findsTheSpanOfAnOffset(Random random) {
        GzipCheckpoints checkpoints = sample(random);
        assertThat(checkpoints.spanContaining(0)).isZero();
        assertThat(checkpoints.spanContaining(1_099_999)).isZero();
        assertThat(checkpoints.spanContaining(1_100_000)).isEqualTo(1);
        assertThat(checkpoints.spanContaining(Long.MAX_VALUE)).isEqualTo(2);
    }

    @Test
    void rejectsWrongLengths(Random random) {
        byte[] blob = sample(random).toBytes();
        for (int length : new int[] {0, 11, 12, 12 + C - 1, blob.length - 1, blob.length + 1, blob.length + C}) {
            byte[] bad = Arrays.copyOf(blob, length);
            assertThatThrownBy(() -> GzipCheckpoints.parse(bad)).as("length %d", length)
                    .isInstanceOf(InvalidZtocException.class).hasMessageStartingWith("gzip checkpoints: ");
        }
    }

    @Test
    void rejectsHostileHeaderValues(Random random) {
        byte[] blob = sample(random).toBytes();
        for (int count : new int[] {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 70_000}) {
            byte[] bad = blob.clone();
            ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(0, count);
            assertThatThrownBy(() -> GzipCheckpoints.parse(bad)).as("count %d", count)
                    .isInstanceOf(InvalidZtocException.class).hasMessageContaining("checkpoint");
        }
        byte[] badSpan = blob.clone();
        ByteBuffer.wrap(badSpan).order(ByteOrder.LITTLE_ENDIAN).putLong(4, -5);
        assertThatThrownBy(() -> GzipCheckpoints.parse(badSpan)).isInstanceOf(InvalidZtocException.class)
                .hasMessageContaining("span size must be positive, got -5");
    }

    @Test
    void rejectsHostileCheckpoints(Random random) {
        byte[] blob = sample(random).toBytes();
        record Damage(String what, int at, long value, int width, String message) {
        }
        for (Damage d : List.of(
                new Damage("bits 9", 12 + C + 16, 9, 1, "bits=9"),
                new Damage("negative in", 12 + C, -1, 8, "in=-1"),
                new Damage("negative out", 12 + C + 8, -7, 8, "out=-7"),
                new Damage("decreasing in", 12 + 2 * C, 4000, 8, "does not come after"),
                new Damage("decreasing out", 12 + 2 * C + 8, 1_000_000, 8, "does not come after"),
                new Damage("equal out", 12 + 2 * C + 8, 1_100_000, 8, "does not come after"),
                new Damage("first out not 0", 12 + 8, 5, 8, "must start at uncompressed offset 0"),
                new Damage("equal in", 12 + 2 * C, 5000, 8, "does not come after"))) {
            byte[] bad = blob.clone();
            ByteBuffer b = ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN);
            if (d.width == 1) b.put(d.at, (byte) d.value);
            else b.putLong(d.at, d.value);
            assertThatThrownBy(() -> GzipCheckpoints.parse(bad)).as(d.what)
                    .isInstanceOf(InvalidZtocException.class).hasMessageContaining(d.message);
        }
    }

    @Test
    void windowsAreViewsNotCopies(Random random) throws Exception {
        byte[] blob = sample(random).toBytes();
        GzipCheckpoints parsed = GzipCheckpoints.parse(blob);
        ByteBuffer window = parsed.checkpoint(1).window();
        assertThat(window.isReadOnly()).isTrue();
        assertThat(window.remaining()).isEqualTo(Checkpoint.WINDOW_SIZE);
        blob[12 + C + 17] ^= 1; // documented: parse takes ownership of the array
        assertThat(parsed.checkpoint(1).window().get(0)).isEqualTo(blob[12 + C + 17]);
    }
}
