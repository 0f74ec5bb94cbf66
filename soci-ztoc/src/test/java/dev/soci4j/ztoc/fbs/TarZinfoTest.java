package dev.soci4j.ztoc.fbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.ztoc.InvalidZtocException;
import dev.soci4j.ztoc.testing.Golden;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SeededRandom.class)
class TarZinfoTest {
    @Test
    void decodesAndReencodesTheGoldenUncompressedCheckpoints() throws Exception {
        byte[] checkpoints = ZtocDecoder.decode(Golden.bytes("gnu.tar.span1m.ztoc")).compressionInfo().checkpoints();
        TarZinfo zinfo = TarZinfo.decode(checkpoints);
        assertThat(zinfo).isEqualTo(new TarZinfo(2, 1_048_576, Golden.bytes("gnu.tar").length));
        assertThat(zinfo.encode()).isEqualTo(checkpoints);
    }

    @Test
    void roundTripsRandomValues(Random random) throws Exception {
        for (int i = 0; i < 1000; i++) {
            TarZinfo zinfo = new TarZinfo(random.nextInt(), random.nextBoolean() ? 0 : random.nextLong(),
                    random.nextBoolean() ? 0 : random.nextLong());
            assertThat(TarZinfo.decode(zinfo.encode())).isEqualTo(zinfo);
        }
    }

    @Test
    void computesMaxSpanIdAsTheReferenceDoes() {
        assertThat(TarZinfo.of(512, 0).maxSpanId()).isEqualTo(-1);
        assertThat(TarZinfo.of(512, 1).maxSpanId()).isZero();
        assertThat(TarZinfo.of(512, 512).maxSpanId()).isZero();
        assertThat(TarZinfo.of(512, 513).maxSpanId()).isEqualTo(1);
        assertThat(TarZinfo.of(1_048_576, 8_110_080).maxSpanId()).isEqualTo(7);
    }

    @Test
    void rejectsEveryTruncation() {
        byte[] bytes = TarZinfo.of(1_048_576, 8_110_080).encode();
        for (int length = 0; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> TarZinfo.decode(truncated)).as("truncated to %d bytes", length)
                    .isInstanceOf(InvalidZtocException.class).hasMessageContaining("TarZinfo");
        }
    }
}
