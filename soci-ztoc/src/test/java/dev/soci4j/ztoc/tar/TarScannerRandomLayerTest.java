package dev.soci4j.ztoc.tar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci4j.ztoc.EntryType;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.testing.RandomLayer;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Round trips through {@link RandomLayer}: the scanner finds every entry the generator wrote, at the right offset. */
@ExtendWith(SeededRandom.class)
class TarScannerRandomLayerTest {

    static Stream<Arguments> formatsAndChunkSizes() {
        return Stream.of(RandomLayer.Format.values())
                .flatMap(f -> Stream.of(1, 7, 512, 4096, 0).map(chunk -> Arguments.of(f, chunk)));
    }

    /** chunk 0 means random chunk sizes. */
    @ParameterizedTest(name = "{0} in chunks of {1}")
    @MethodSource("formatsAndChunkSizes")
    void findsEveryEntryOfARandomLayer(RandomLayer.Format format, int chunk, Random random) throws IOException {
        RandomLayer layer = RandomLayer.builder(random).format(format).entryCount(chunk == 1 ? 40 : 120)
                .spanSizeBytes(16 << 10).maxFileSizeBytes(chunk == 1 ? 40 << 10 : 150 << 10)
                .hostileNames(random.nextBoolean()).headerOnlySizeFields(true).build();
        byte[] tar = layer.tar();
        IntSupplier chunks = chunk == 0 ? Feeder.random(random) : Feeder.fixed(chunk);

        TarScan scan = Feeder.scan(tar, chunks);

        assertMatches(scan, layer, tar);
    }

    @Test
    void generatorCoversTheMixItPromises(Random random) {
        RandomLayer layer = RandomLayer.builder(random).format(RandomLayer.Format.PAX).entryCount(400)
                .spanSizeBytes(8 << 10).maxFileSizeBytes(32 << 10).hostileNames(true).build();
        List<RandomLayer.Entry> entries = layer.entries();

        assertThat(entries).extracting(RandomLayer.Entry::type).contains(EntryType.values());
        assertThat(entries).anyMatch(e -> e.type() == EntryType.REG && e.content().length == 0);
        assertThat(entries).anyMatch(e -> e.content().length > 8 << 10);
        assertThat(entries).anyMatch(e -> e.name().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255);
        assertThat(entries).anyMatch(e -> e.name().startsWith("../") || e.name().startsWith("/"));
        assertThat(entries).anyMatch(e -> !e.name().chars().allMatch(c -> c < 0x80));
        assertThat(entries).anyMatch(e -> (e.mode() & 04000) != 0);
        assertThat(entries).anyMatch(e -> e.uid() > 07777777);
        assertThat(entries).anyMatch(e -> e.modTime().getNano() != 0);
        assertThat(entries).anyMatch(e -> e.paxRecords().stream().anyMatch(x -> x.key().startsWith("SCHILY.xattr.")));
        assertThat(layer.archiveSize()).isLessThanOrEqualTo(layer.tar().length);
        assertThat(layer.tar().length % 10240).isZero();
    }

    @Test
    void sameSeedSameLayer() {
        RandomLayer a = RandomLayer.builder(new Random(42)).format(RandomLayer.Format.GNU).build();
        RandomLayer b = RandomLayer.builder(new Random(42)).format(RandomLayer.Format.GNU).build();

        assertThat(a.tar()).isEqualTo(b.tar());
    }

    /** The generator writes tars GNU tar reads the same way (checks the generator, not the scanner). */
    @ParameterizedTest
    @MethodSource("formats")
    void gnuTarAgreesWithTheGenerator(RandomLayer.Format format, @TempDir Path dir) throws IOException {
        Random random = new Random(SeededRandom.seedFor(getClass().getName() + "#gnuTarAgrees-" + format));
        RandomLayer layer = RandomLayer.builder(random).format(format).entryCount(80).build();
        Path file = Files.write(dir.resolve("layer.tar"), layer.tar());

        TarScan scan = Feeder.scan(layer.tar(), Feeder.random(random));

        assertMatches(scan, layer, layer.tar());
        TarScannerGnuTarTest.checkAgainstGnuTar(file, layer.tar(), scan);
    }

    static Stream<RandomLayer.Format> formats() {
        return Stream.of(RandomLayer.Format.values());
    }

    private static void assertMatches(TarScan scan, RandomLayer layer, byte[] tar) {
        assertThat(scan.archiveSize()).isEqualTo(layer.archiveSize());
        assertThat(scan.entries()).hasSameSizeAs(layer.entries());
        for (int i = 0; i < scan.entries().size(); i++) {
            FileMetadata got = scan.entries().get(i);
            RandomLayer.Entry want = layer.entries().get(i);
            String what = "entry %d (%s)".formatted(i, want.name());
            assertThat(got.name()).as(what).isEqualTo(want.name());
            assertThat(got.type()).as(what).isEqualTo(want.type());
            assertThat(got.uncompressedSize()).as(what).isEqualTo(want.size());
            assertThat(got.linkname()).as(what).isEqualTo(want.linkname());
            assertThat(got.mode()).as(what).isEqualTo(want.mode());
            assertThat(got.uid()).as(what).isEqualTo(want.uid());
            assertThat(got.gid()).as(what).isEqualTo(want.gid());
            assertThat(got.uname()).as(what).isEqualTo(want.uname());
            assertThat(got.gname()).as(what).isEqualTo(want.gname());
            assertThat(got.modTimeInstant()).as(what).contains(want.modTime());
            assertThat(got.devmajor()).as(what).isEqualTo(want.devmajor());
            assertThat(got.devminor()).as(what).isEqualTo(want.devminor());
            assertThat(got.xattrs()).as(what).isEqualTo(want.paxRecords());
            if (want.type() == EntryType.REG) {
                byte[] data = Arrays.copyOfRange(tar, (int) got.uncompressedOffset(), (int) got.uncompressedEnd());
                assertThat(data).as(what).isEqualTo(want.content());
            }
        }
    }
}
