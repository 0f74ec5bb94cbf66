package dev.soci4j.ztoc.zran;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.ztoc.InvalidLayerException;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Damaged layers end in an {@link InvalidLayerException} that says where, never a hang or a crash. */
@ExtendWith(SeededRandom.class)
class GzipIndexerHostileTest {
    private static final long SPAN = 32 << 10;

    @Test
    void truncatedAnywhereIsReported(Random random) throws Exception {
        byte[] data = GzipFixtures.content(random, 300_000);
        byte[] gz = GzipFixtures.member(data, 6, GzipFixtures.Header.random(random), random, true);
        for (int i = 0; i < 60; i++) {
            int cut = i < 30 ? i : random.nextInt(gz.length); // every header cut, then anywhere
            byte[] truncated = Arrays.copyOf(gz, cut);
            assertThatThrownBy(() -> GzipFixtures.index(truncated, SPAN, random, 70_000, new ByteArrayOutputStream()))
                    .as("cut at %d of %d", cut, gz.length)
                    .isInstanceOf(InvalidLayerException.class)
                    .hasMessageMatching(cut == 0 ? "gzip layer is empty" : ".*(truncated|offset).*");
        }
    }

    @Test
    void truncatedAtEachTrailerByte(Random random) throws Exception {
        byte[] gz = GzipFixtures.member(GzipFixtures.content(random, 50_000), 9, GzipFixtures.Header.PLAIN, random, false);
        for (int cut = gz.length - 8; cut < gz.length; cut++) {
            byte[] truncated = Arrays.copyOf(gz, cut);
            assertThatThrownBy(() -> GzipFixtures.index(truncated, SPAN, random, 1 << 20, new ByteArrayOutputStream()))
                    .isInstanceOf(InvalidLayerException.class)
                    .hasMessageContaining("truncated").hasMessageContaining("compressed offset " + cut);
        }
    }

    @Test
    void flippedCrcAndLengthAreReported(Random random) throws Exception {
        byte[] gz = GzipFixtures.member(GzipFixtures.content(random, 100_000), 6, GzipFixtures.Header.PLAIN, random, false);
        for (int at : new int[] {gz.length - 8, gz.length - 1}) {
            byte[] bad = gz.clone();
            bad[at] ^= 0x40;
            assertThatThrownBy(() -> GzipFixtures.index(bad, SPAN, random, 1 << 20, new ByteArrayOutputStream()))
                    .isInstanceOf(InvalidLayerException.class)
                    .hasMessageContaining("compressed offset")
                    .hasMessageMatching(".*incorrect (data|length) check.*");
        }
    }

    @Test
    void corruptDeflateDataIsReported(Random random) throws Exception {
        byte[] gz = GzipFixtures.member(GzipFixtures.content(random, 200_000), 6, GzipFixtures.Header.PLAIN, random, false);
        int failures = 0;
        for (int i = 0; i < 20; i++) {
            byte[] bad = gz.clone();
            int at = 10 + random.nextInt(gz.length - 18);
            for (int j = 0; j < 16 && at + j < gz.length - 8; j++) bad[at + j] = (byte) random.nextInt();
            try {
                GzipFixtures.index(bad, SPAN, random, 1 << 20, new ByteArrayOutputStream());
            } catch (InvalidLayerException e) {
                assertThat(e).hasMessageContaining("compressed offset");
                failures++;
            }
        }
        assertThat(failures).as("damage is caught by the decoder or the CRC").isEqualTo(20);
    }

    @Test
    void garbageAfterTheLastMemberIsReported(Random random) throws Exception {
        byte[] gz = GzipFixtures.member(GzipFixtures.content(random, 10_000), 6, GzipFixtures.Header.PLAIN, random, false);
        for (byte[] tail : List.of(new byte[] {0}, new byte[512], "garbage!".getBytes(), new byte[] {0x1f, (byte) 0x8b, 7})) {
            byte[] bad = GzipFixtures.concat(List.of(gz, tail));
            assertThatThrownBy(() -> GzipFixtures.index(bad, SPAN, random, 1 << 20, new ByteArrayOutputStream()))
                    .isInstanceOf(InvalidLayerException.class)
                    .hasMessageContaining("compressed offset");
        }
        byte[] bad = GzipFixtures.concat(List.of(gz, "not gzip".getBytes()));
        assertThatThrownBy(() -> GzipFixtures.index(bad, SPAN, random, 1 << 20, new ByteArrayOutputStream()))
                .hasMessageStartingWith("data after gzip member 0 is not a gzip member at compressed offset " + gz.length);
    }

    @Test
    void notGzipAtAll(Random random) {
        byte[] noise = new byte[5000];
        random.nextBytes(noise);
        noise[0] = 'P';
        assertThatThrownBy(() -> GzipFixtures.index(noise, SPAN, random, 1 << 20, new ByteArrayOutputStream()))
                .isInstanceOf(InvalidLayerException.class)
                .hasMessageStartingWith("not a gzip layer at compressed offset");
        assertThatThrownBy(() -> GzipFixtures.index(new byte[0], SPAN, random, 1, new ByteArrayOutputStream()))
                .isInstanceOf(InvalidLayerException.class).hasMessage("gzip layer is empty");
        assertThatThrownBy(() -> BareInflate.inflate(Channels.newChannel(new java.io.ByteArrayInputStream(noise))))
                .isInstanceOf(InvalidLayerException.class);
    }

    @Test
    void aFailedIndexerRefusesMoreInput(Random random) throws Exception {
        GzipIndexer indexer = new GzipIndexer(SPAN, b -> { });
        assertThatThrownBy(() -> indexer.feed(ByteBuffer.wrap("not gzip at all".getBytes())))
                .isInstanceOf(InvalidLayerException.class);
        assertThatThrownBy(() -> indexer.feed(ByteBuffer.wrap(new byte[1])))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("failed");
        indexer.close();
    }

    @Test
    void sinkFailureStopsTheIndexer(Random random) throws Exception {
        byte[] gz = GzipFixtures.member(GzipFixtures.content(random, 3 << 20), 1, GzipFixtures.Header.PLAIN, random, false);
        java.io.IOException boom = new java.io.IOException("disk full");
        try (GzipIndexer indexer = new GzipIndexer(SPAN, b -> { throw boom; })) {
            assertThatThrownBy(() -> indexer.feed(ByteBuffer.wrap(gz))).isSameAs(boom);
            assertThatThrownBy(indexer::finish).isInstanceOf(IllegalStateException.class);
        }
    }
}
