package dev.soci4j.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.ztoc.testing.Golden;
import dev.soci4j.ztoc.testing.RandomLayer;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(SeededRandom.class)
class ZtocBuilderTest {
    private static final long ONE_MIB = 1L << 20;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"gnu.tar.gz", "pax.tar.gz", "gnu.tar"})
    void buildsTheReferenceZtocFromAFile(String layer) throws IOException {
        Ztoc ztoc = new ZtocBuilder(ONE_MIB).build(Golden.file(layer));

        assertThat(ZtocCodec.encode(ztoc)).isEqualTo(Golden.bytes(layer + ".span1m.ztoc"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gnu.tar.gz", "pax.tar.gz", "gnu.tar"})
    void buildsTheReferenceZtocFromAChannelGivingTinyIrregularReads(String layer, Random random) throws IOException {
        byte[] blob = Golden.bytes(layer);

        Ztoc ztoc = new ZtocBuilder(ONE_MIB).build(new TrickleChannel(blob, random, 700));

        assertThat(ZtocCodec.encode(ztoc)).isEqualTo(Golden.bytes(layer + ".span1m.ztoc"));
    }

    @Test
    void buildsTheSameZtocFromAFileAndFromAChannel(Random random) throws IOException, InterruptedException {
        byte[] tar = RandomLayer.builder(random).entryCount(40).build().tar();
        byte[] gz = GzipLayers.MULTI_MEMBER.layer(tar, random);
        Path file = Files.write(tmp.resolve("layer.tar.gz"), gz);
        ZtocBuilder builder = new ZtocBuilder(64 << 10);

        Ztoc fromFile = builder.build(file);
        Ztoc fromStream = builder.build(Channels.newChannel(new java.io.ByteArrayInputStream(gz)));

        assertThat(fromStream).isEqualTo(fromFile);
        assertThat(fromFile.compressedArchiveSize()).isEqualTo(gz.length);
    }

    @Test
    void buildsAnUncompressedZtocWhoseSpansAreFixedSlicesOfTheBlob(Random random) throws IOException {
        RandomLayer layer = RandomLayer.builder(random).entryCount(30).build();
        byte[] tar = layer.tar();
        long span = 10_000; // not a multiple of 512: spans cut through headers and data

        Ztoc ztoc = new ZtocBuilder(span).build(new TrickleChannel(tar, random, 5000));

        assertThat(ztoc.compressionInfo().algorithm()).isEqualTo(CompressionAlgorithm.UNCOMPRESSED);
        assertThat(ztoc.compressedArchiveSize()).isEqualTo(tar.length);
        assertThat(ztoc.uncompressedArchiveSize()).isEqualTo(layer.archiveSize());
        assertThat(ztoc.numSpans()).isEqualTo((int) Math.ceilDiv(tar.length, span));
        for (int i = 0; i < ztoc.numSpans(); i++) {
            int from = (int) (i * span);
            int to = (int) Math.min(tar.length, from + span);
            assertThat(ztoc.compressionInfo().spanDigests().get(i)).as("span %d", i)
                    .isEqualTo(sha256(Arrays.copyOfRange(tar, from, to)));
        }
    }

    @Test
    void rejectsAZstdLayerSayingSo() {
        byte[] zstd = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x04, 0x00, 0x01, 0x00, 0x00};

        assertThatThrownBy(() -> build(zstd))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessageContaining("zstd");
    }

    @Test
    void rejectsAnEmptyLayerSayingSo() throws IOException {
        Path empty = Files.write(tmp.resolve("empty"), new byte[0]);

        assertThatThrownBy(() -> new ZtocBuilder().build(empty))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessageContaining("empty")
                .hasMessageContaining(empty.toString());
    }

    @Test
    void rejectsGarbageNamingItsFirstBytes() {
        byte[] garbage = "this is not a layer at all, just some text that goes on and on\n"
                .repeat(20).getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> build(garbage))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessageContaining("neither gzip nor tar")
                .hasMessageContaining("7468697320697320"); // "this is "
    }

    @Test
    void rejectsRandomBytes(Random random) {
        for (int size : new int[] {1, 2, 100, 511, 512, 4096, 100_000}) {
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            if (size >= 2 && (bytes[0] & 0xff) == 0x1f) bytes[0] = 0; // not gzip by accident

            assertThatThrownBy(() -> build(bytes)).as("%d random bytes", size)
                    .isInstanceOf(UnsupportedLayerException.class)
                    .hasMessageContaining("neither gzip nor tar");
        }
    }

    @Test
    void rejectsRandomBytesAfterAGzipMagic(Random random) {
        byte[] bytes = new byte[50_000];
        random.nextBytes(bytes);
        bytes[0] = 0x1f;
        bytes[1] = (byte) 0x8b;

        assertThatThrownBy(() -> build(bytes))
                .isInstanceOf(InvalidLayerException.class)
                .hasMessageContaining("gzip");
    }

    @Test
    void rejectsATruncatedGzipLayer(Random random) throws IOException, InterruptedException {
        byte[] gz = GzipLayers.LEVEL_6.layer(RandomLayer.builder(random).entryCount(20).build().tar(), random);

        for (int cut : new int[] {5, 10, gz.length / 2, gz.length - 8, gz.length - 1}) {
            byte[] truncated = Arrays.copyOf(gz, cut);
            assertThatThrownBy(() -> build(truncated)).as("cut at %d of %d", cut, gz.length)
                    .isInstanceOf(InvalidLayerException.class)
                    .hasMessageContaining("truncated");
        }
    }

    @Test
    void rejectsAGzipLayerWithABadCrc(Random random) throws IOException, InterruptedException {
        byte[] gz = GzipLayers.LEVEL_6.layer(RandomLayer.builder(random).entryCount(20).build().tar(), random);
        gz[gz.length - 8] ^= 0x01; // the CRC32 of the trailer

        assertThatThrownBy(() -> build(gz))
                .isInstanceOf(InvalidLayerException.class)
                .hasMessageContaining("check"); // zlib: "incorrect data check"
    }

    @Test
    void rejectsAGzipLayerWithCorruptDeflateData(Random random) throws IOException, InterruptedException {
        byte[] gz = GzipLayers.LEVEL_1.layer(RandomLayer.builder(random).entryCount(30).build().tar(), random);
        for (int i = gz.length / 3; i < gz.length / 3 + 64; i++) gz[i] = (byte) 0xff;

        assertThatThrownBy(() -> build(gz))
                .isInstanceOf(InvalidLayerException.class)
                .hasMessageContaining("corrupt gzip data");
    }

    @Test
    void rejectsGzippedDataThatIsNotATar(Random random) {
        byte[] text = "just text, gzipped\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        byte[] gz = GzipLayers.member(text, 0, text.length, 6, false, random);

        assertThatThrownBy(() -> build(gz)).isInstanceOf(InvalidLayerException.class);
    }

    @Test
    void rejectsATruncatedTarLayer(Random random) {
        RandomLayer layer = RandomLayer.builder(random).entryCount(20).recordPadding(false).build();
        byte[] truncated = Arrays.copyOf(layer.tar(), (int) layer.archiveSize() - 1024 - 100);

        assertThatThrownBy(() -> build(truncated))
                .isInstanceOf(InvalidLayerException.class)
                .hasMessageContaining("tar ends");
    }

    @Test
    void rejectsANonPositiveSpanSize() {
        assertThatThrownBy(() -> new ZtocBuilder(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
    }

    private static Ztoc build(byte[] blob) throws IOException {
        return new ZtocBuilder(64 << 10).build(Channels.newChannel(new java.io.ByteArrayInputStream(blob)));
    }

    private static String sha256(byte[] bytes) {
        return "sha256:" + java.util.HexFormat.of().formatHex(ZtocBuilder.sha256().digest(bytes));
    }

    /** A channel that hands out between 0 and {@code maxRead} bytes per read (0 now and then, as sockets do). */
    static final class TrickleChannel implements ReadableByteChannel {
        private final byte[] blob;
        private final Random random;
        private final int maxRead;
        private int at;

        TrickleChannel(byte[] blob, Random random, int maxRead) {
            this.blob = blob;
            this.random = random;
            this.maxRead = maxRead;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (at == blob.length) return -1;
            int n = Math.min(Math.min(dst.remaining(), blob.length - at),
                    random.nextInt(20) == 0 ? 0 : 1 + random.nextInt(maxRead));
            dst.put(blob, at, n);
            at += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

}
