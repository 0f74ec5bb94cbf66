package dev.soci4j.ztoc;

import static dev.soci4j.ztoc.testing.ZtocSamples.digests;
import static dev.soci4j.ztoc.testing.ZtocSamples.entry;
import static dev.soci4j.ztoc.testing.ZtocSamples.gzipCheckpoints;
import static dev.soci4j.ztoc.testing.ZtocSamples.gzipCheckpointsV1;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.ztoc.fbs.TarZinfo;
import dev.soci4j.ztoc.testing.ZtocSamples;
import dev.soci4j.ztoc.testing.ZtocSamples.Checkpoint;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class ZtocValidatorTest {
    private static final List<FileMetadata> FILES = List.of(entry("a", EntryType.REG, 512, 100));

    private static Ztoc gzip(int maxSpanId, List<String> digests, byte[] blob) {
        return new Ztoc(Ztoc.VERSION, Ztoc.BUILD_TOOL_IDENTIFIER, 5000, 10_000, FILES,
                new CompressionInfo(CompressionAlgorithm.GZIP, maxSpanId, digests, blob));
    }

    private static Ztoc gzip(Checkpoint... checkpoints) {
        return gzip(checkpoints.length - 1, digests(checkpoints.length), gzipCheckpoints(1024, checkpoints));
    }

    private static Ztoc tar(int maxSpanId, int digestCount, byte[] zinfo, long layerSize) {
        return new Ztoc(Ztoc.VERSION, Ztoc.BUILD_TOOL_IDENTIFIER, layerSize, 2048, FILES,
                new CompressionInfo(CompressionAlgorithm.UNCOMPRESSED, maxSpanId, digests(digestCount), zinfo));
    }

    private static Ztoc withFiles(long uncompressedSize, FileMetadata... files) {
        return ZtocSamples.gzip(List.of(files), 5000, uncompressedSize);
    }

    private static AbstractThrowableAssert<?, ?> assertInvalid(Ztoc ztoc) {
        return assertThatThrownBy(() -> ZtocValidator.validate(ztoc)).isInstanceOf(InvalidZtocException.class);
    }

    @Test
    void acceptsTheSamples() {
        assertThatCode(() -> ZtocValidator.validate(ZtocSamples.smallTar())).doesNotThrowAnyException();
        assertThatCode(() -> ZtocValidator.validate(gzip(new Checkpoint(10, 0, 0), new Checkpoint(300, 2000, 5))))
                .doesNotThrowAnyException();
    }

    @Test
    void rejectsAnEmptyVersion() {
        Ztoc z = ZtocSamples.smallTar();
        assertInvalid(new Ztoc("", z.buildToolIdentifier(), z.compressedArchiveSize(), z.uncompressedArchiveSize(),
                z.files(), z.compressionInfo())).hasMessageContaining("version is empty");
    }

    @Test
    void rejectsNegativeArchiveSizes() {
        Ztoc z = ZtocSamples.smallTar();
        assertInvalid(new Ztoc(z.version(), z.buildToolIdentifier(), -1, z.uncompressedArchiveSize(), z.files(),
                z.compressionInfo())).hasMessageContaining("compressed -1");
    }

    @Test
    void rejectsACheckpointsBlobOfBadLength() {
        byte[] blob = gzipCheckpoints(1024, new Checkpoint(10, 0, 0), new Checkpoint(300, 2000, 5));
        assertInvalid(gzip(1, digests(2), Arrays.copyOf(blob, blob.length - 1)))
                .hasMessageContaining("65581 bytes do not hold 2 checkpoints: expected 65582 (version 2) or 32797 (version 1)");
        assertInvalid(gzip(1, digests(2), new byte[11])).hasMessageContaining("shorter than the 12-byte header");
    }

    @Test
    void rejectsAHeaderWithoutCheckpointsOrSpanSize() {
        assertInvalid(gzip(-1, List.of(), gzipCheckpoints(1024))).hasMessageContaining("claims 0 checkpoints");
        assertInvalid(gzip(0, digests(1), gzipCheckpoints(0, new Checkpoint(10, 0, 0))))
                .hasMessageContaining("span size 0 is not positive");
    }

    @Test
    void acceptsVersionOneBlobsWithTheirImpliedFirstCheckpoint() {
        Ztoc v1 = gzip(1, digests(2), gzipCheckpointsV1(1024, new Checkpoint(300, 2000, 1)));
        assertThatCode(() -> ZtocValidator.validate(v1)).doesNotThrowAnyException();
        Ztoc before = gzip(1, digests(2), gzipCheckpointsV1(1024, new Checkpoint(9, 2000, 1)));
        assertInvalid(before).hasMessageContaining("gzip checkpoint 1 of 2: compressed offset 9 is not after checkpoint 0's 10");
    }

    @Test
    void rejectsSpanCountMismatches() {
        byte[] blob = gzipCheckpoints(1024, new Checkpoint(10, 0, 0), new Checkpoint(300, 2000, 5));
        assertInvalid(gzip(2, digests(2), blob)).hasMessageContaining("max_span_id 2, but the gzip checkpoints hold 2 spans");
        assertInvalid(gzip(1, digests(3), blob)).hasMessageContaining("3 span digests for 2 spans");
    }

    @Test
    void rejectsNonMonotonicCheckpoints() {
        assertInvalid(gzip(new Checkpoint(10, 0, 0), new Checkpoint(300, 2000, 0), new Checkpoint(300, 4000, 0)))
                .hasMessageContaining("gzip checkpoint 2 of 3: compressed offset 300 is not after checkpoint 1's 300");
        assertInvalid(gzip(new Checkpoint(10, 0, 0), new Checkpoint(300, 2000, 0), new Checkpoint(400, 1999, 0)))
                .hasMessageContaining("gzip checkpoint 2 of 3: uncompressed offset 1999 is not after checkpoint 1's 2000");
        assertInvalid(gzip(new Checkpoint(10, 0, 0), new Checkpoint(300, 2000, 0), new Checkpoint(400, 2000, 0)))
                .hasMessageContaining("uncompressed offset 2000 is not after");
    }

    /** zran adds a checkpoint at every block boundary before any output, so out may repeat 0 at the start. */
    @Test
    void acceptsRepeatedZeroOutputAtTheStartOnly() {
        assertThatCode(() -> ZtocValidator.validate(gzip(new Checkpoint(10, 0, 0), new Checkpoint(15, 0, 2),
                new Checkpoint(300, 2000, 0)))).doesNotThrowAnyException();
    }

    @Test
    void rejectsAFirstCheckpointNotAtOutputZero() {
        assertInvalid(gzip(new Checkpoint(10, 5, 0))).hasMessageContaining("gzip checkpoint 0 of 1: uncompressed offset 5, expected 0");
    }

    @Test
    void rejectsMoreThanSevenBits() {
        assertInvalid(gzip(new Checkpoint(10, 0, 0), new Checkpoint(300, 2000, 8)))
                .hasMessageContaining("gzip checkpoint 1 of 2: 8 bits");
        assertInvalid(gzip(new Checkpoint(10, 0, 0), new Checkpoint(300, 2000, 255))).hasMessageContaining("255 bits");
    }

    @Test
    void rejectsCheckpointsPastTheArchiveSizes() {
        assertInvalid(gzip(new Checkpoint(10, 0, 0), new Checkpoint(5001, 2000, 0)))
                .hasMessageContaining("compressed offset 5001 outside the 5000-byte layer");
        assertInvalid(gzip(new Checkpoint(10, 0, 0), new Checkpoint(300, 10_001, 0)))
                .hasMessageContaining("uncompressed offset 10001 past the uncompressed archive size 10000");
        assertInvalid(gzip(new Checkpoint(-1, 0, 0))).hasMessageContaining("compressed offset -1");
    }

    @Test
    void rejectsMalformedDigests() {
        byte[] blob = gzipCheckpoints(1024, new Checkpoint(10, 0, 0));
        String upper = "sha256:" + "A".repeat(64);
        assertInvalid(gzip(0, List.of(upper), blob)).hasMessageContaining("span 0 digest \"" + upper + "\"");
        assertInvalid(gzip(0, List.of("sha512:" + "a".repeat(64)), blob)).hasMessageContaining("span 0 digest");
        assertInvalid(gzip(0, List.of("sha256:" + "a".repeat(63)), blob)).hasMessageContaining("span 0 digest");
    }

    @Test
    void checksTheTarZinfo() {
        assertInvalid(tar(0, 1, new TarZinfo(1, 1024, 1000).encode(), 1000)).hasMessageContaining("TarZinfo version 1, expected 2");
        assertInvalid(tar(0, 1, TarZinfo.of(0, 1000).encode(), 1000)).hasMessageContaining("span size 0 is not positive");
        assertInvalid(tar(0, 1, TarZinfo.of(512, -1).encode(), -1)).hasMessageContaining("negative");
        assertInvalid(tar(0, 1, TarZinfo.of(512, 1000).encode(), 1000))
                .hasMessageContaining("max_span_id 0, but a 1000-byte tar in 512-byte spans has max span id 1");
        assertInvalid(tar(1, 1, TarZinfo.of(512, 1000).encode(), 1000)).hasMessageContaining("1 span digests for 2 spans");
        assertInvalid(tar(1, 2, TarZinfo.of(512, 1000).encode(), 4000)).hasMessageContaining("TarZinfo size 1000 differs from the layer size 4000");
        assertInvalid(tar(0, 1, new byte[] {1, 2, 3}, 1000)).hasMessageContaining("uncompressed layer checkpoints: TarZinfo");
        assertThatCode(() -> ZtocValidator.validate(tar(1, 2, TarZinfo.of(512, 1024).encode(), 1024)))
                .doesNotThrowAnyException();
    }

    /** The reference's MaxSpanID for an empty blob is -1: no spans, no digests. */
    @Test
    void acceptsAnEmptyTarWithNoSpans() {
        Ztoc empty = new Ztoc(Ztoc.VERSION, Ztoc.BUILD_TOOL_IDENTIFIER, 0, 0, List.of(),
                new CompressionInfo(CompressionAlgorithm.UNCOMPRESSED, -1, List.of(), TarZinfo.of(512, 0).encode()));
        assertThatCode(() -> ZtocValidator.validate(empty)).doesNotThrowAnyException();
    }

    @Test
    void rejectsAnEntryPastTheArchiveSize() {
        assertInvalid(withFiles(3000, entry("big", EntryType.REG, 512, 2489)))
                .hasMessageContaining("entry 0 \"big\": data at 512 of 2489 bytes ends past the uncompressed archive size 3000");
        assertThatCode(() -> ZtocValidator.validate(withFiles(3000, entry("fits", EntryType.REG, 512, 2488))))
                .doesNotThrowAnyException();
    }

    @Test
    void rejectsAnEntryWhoseEndOverflows() {
        assertInvalid(withFiles(3000, entry("huge", EntryType.REG, 512, Long.MAX_VALUE - 100)))
                .hasMessageContaining("entry 0 \"huge\"").hasMessageContaining("past the uncompressed archive size");
        assertInvalid(withFiles(Long.MAX_VALUE, entry("a", EntryType.REG, 512, Long.MAX_VALUE - 512),
                entry("b", EntryType.REG, Long.MAX_VALUE, 0)))
                .hasMessageContaining("entry 1 \"b\": data at 9223372036854775807, before 9223372036854775808");
    }

    @Test
    void rejectsOverlappingEntries() {
        assertInvalid(withFiles(10_000, entry("a", EntryType.REG, 512, 600), entry("b", EntryType.REG, 1500, 10)))
                .hasMessageContaining("entry 1 \"b\": data at 1500, before 1536 where its header can start"
                        + " (end of entry 0 \"a\" rounded up to 512)");
    }

    @Test
    void sortsEntriesByOffsetBeforeCheckingThem() {
        // out of tar order but laid out correctly: the reference sorts, so this is valid
        Ztoc shuffled = withFiles(10_000, entry("second", EntryType.REG, 2048, 10), entry("first", EntryType.REG, 512, 600),
                entry("dir", EntryType.DIR, 1536, 0));
        assertThatCode(() -> ZtocValidator.validate(shuffled)).doesNotThrowAnyException();
        assertInvalid(withFiles(10_000, entry("second", EntryType.REG, 1024, 10), entry("first", EntryType.REG, 512, 600)))
                .hasMessageContaining("entry 0 \"second\": data at 1024, before 1536")
                .hasMessageContaining("entry 1 \"first\"");
    }
}
