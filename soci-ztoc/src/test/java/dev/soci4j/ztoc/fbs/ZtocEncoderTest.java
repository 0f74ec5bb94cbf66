package dev.soci4j.ztoc.fbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.ztoc.CompressionAlgorithm;
import dev.soci4j.ztoc.CompressionInfo;
import dev.soci4j.ztoc.EntryType;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.Xattr;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.testing.Golden;
import dev.soci4j.ztoc.testing.SeededRandom;
import dev.soci4j.ztoc.testing.ZtocSamples;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(SeededRandom.class)
class ZtocEncoderTest {
    /** soci-format.md §1, "Golden vector". */
    @Test
    void goldenVectorHasTheSpecifiedLengthAndDigest() throws Exception {
        FileMetadata zero = new FileMetadata("", EntryType.REG, 0, 0, "", 0, 0, 0, "", "", FileMetadata.ZERO_TIME,
                0, 0, List.of());
        Ztoc vector = new Ztoc("0.9", "AWS SOCI CLI", 2_000_000, 2_500_000, List.of(zero, zero),
                new CompressionInfo(CompressionAlgorithm.GZIP, 3, List.of(), new byte[65_536]));
        byte[] bytes = ZtocEncoder.encode(vector, ""); // the vector's entries have an empty type string
        assertThat(bytes).hasSize(65_928);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
                .isEqualTo("eba28fdf50b1b57543f57dd051b2468c1d4f57b64d2006c75aa4de1d03e6c7ec");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gnu.tar.gz.span1m.ztoc", "pax.tar.gz.span1m.ztoc", "gnu.tar.span1m.ztoc"})
    void reencodesGoldenZtocByteForByte(String name) throws Exception {
        byte[] golden = Golden.bytes(name);
        assertThat(ZtocEncoder.encode(ZtocDecoder.decode(golden))).isEqualTo(golden);
    }

    @Test
    void gzipCarriesNoAlgorithmFieldAndUncompressedWritesTwo() {
        Ztoc tar = ZtocSamples.smallTar();
        Ztoc gzip = new Ztoc(tar.version(), tar.buildToolIdentifier(), tar.compressedArchiveSize(),
                tar.uncompressedArchiveSize(), tar.files(), new CompressionInfo(CompressionAlgorithm.GZIP,
                tar.compressionInfo().maxSpanId(), tar.compressionInfo().spanDigests(),
                tar.compressionInfo().checkpoints()));
        byte[] tarBytes = ZtocEncoder.encode(tar);
        byte[] gzipBytes = ZtocEncoder.encode(gzip);
        int tarInfo = FbsLocator.child(tarBytes, FbsLocator.root(tarBytes), ZtocSchema.ZtocFields.COMPRESSION_INFO);
        int gzipInfo = FbsLocator.child(gzipBytes, FbsLocator.root(gzipBytes), ZtocSchema.ZtocFields.COMPRESSION_INFO);
        int slot = ZtocSchema.CompressionInfoFields.COMPRESSION_ALGORITHM;
        assertThat(FbsLocator.field(gzipBytes, gzipInfo, slot)).isEqualTo(-1);
        assertThat(tarBytes[FbsLocator.field(tarBytes, tarInfo, slot)]).isEqualTo((byte) 2);
    }

    @Test
    void writesXattrsInUtf8KeyOrderLikeGoSortStrings() throws Exception {
        // U+FFFD sorts after U+1F600 as UTF-16 but before it as UTF-8 bytes (EF.. < F0..).
        List<Xattr> unsorted = List.of(new Xattr("\uD83D\uDE00", "emoji"), new Xattr("b", "b"),
                new Xattr("\uFFFD", "replacement"), new Xattr("a", new byte[] {(byte) 0xff}));
        Ztoc ztoc = withFiles(List.of(new FileMetadata("f", EntryType.REG, 512, 0, "", 0, 0, 0, "", "",
                FileMetadata.ZERO_TIME, 0, 0, unsorted)));
        List<Xattr> written = ZtocDecoder.decode(ZtocEncoder.encode(ztoc)).files().getFirst().xattrs();
        assertThat(written).extracting(Xattr::key).containsExactly("a", "b", "\uFFFD", "\uD83D\uDE00");
        assertThat(written.getFirst().value()).containsExactly(0xff);
    }

    @Test
    void rejectsTextThatIsNotUnicode() {
        Ztoc ztoc = withFiles(List.of(ZtocSamples.entry("bad\uD800name", EntryType.REG, 512, 0)));
        assertThatThrownBy(() -> ZtocEncoder.encode(ztoc))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
    }

    @Test
    void roundTripsRandomZtocsWithoutValidation(Random random) throws Exception {
        for (int i = 0; i < 200; i++) {
            Ztoc ztoc = ZtocSamples.randomValid(random);
            Ztoc decoded = ZtocDecoder.decode(ZtocEncoder.encode(ztoc));
            assertThat(decoded).isEqualTo(ztoc);
        }
    }

    /**
     * The builder is sized once from {@code sizeBound}: never below the output (it would double), and
     * close to it. The bytes do not depend on that size (the golden tests above use it too).
     */
    @Test
    void sizeBoundCoversTheOutputWithoutWastingMuch(Random random) throws Exception {
        List<Ztoc> ztocs = new java.util.ArrayList<>();
        for (String name : List.of("gnu.tar.gz.span1m.ztoc", "pax.tar.gz.span1m.ztoc", "gnu.tar.span1m.ztoc")) {
            ztocs.add(ZtocDecoder.decode(Golden.bytes(name)));
        }
        for (int i = 0; i < 200; i++) ztocs.add(ZtocSamples.randomValid(random));
        for (Ztoc ztoc : ztocs) {
            int length = ZtocEncoder.encode(ztoc).length;
            assertThat(ZtocEncoder.sizeBound(ztoc, null)).as("%s", ztoc.compressionInfo())
                    .isGreaterThanOrEqualTo(length).isLessThanOrEqualTo(length + length / 8 + (64 << 10));
        }
    }

    @Test
    void encodeBufferIsAReadOnlyViewOfTheSameBytes(Random random) throws Exception {
        Ztoc ztoc = ZtocSamples.randomValid(random);
        java.nio.ByteBuffer buffer = ZtocEncoder.encodeBuffer(ztoc);
        byte[] viewed = new byte[buffer.remaining()];
        buffer.duplicate().get(viewed);
        assertThat(buffer.isReadOnly()).isTrue();
        assertThat(buffer.position()).isZero();
        assertThat(viewed).isEqualTo(ZtocEncoder.encode(ztoc));
    }

    private static Ztoc withFiles(List<FileMetadata> files) {
        Ztoc small = ZtocSamples.smallTar();
        return new Ztoc(small.version(), small.buildToolIdentifier(), small.compressedArchiveSize(),
                small.uncompressedArchiveSize(), files, small.compressionInfo());
    }
}
