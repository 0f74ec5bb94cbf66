package dev.soci4j.ztoc.tar;

import static dev.soci4j.ztoc.tar.TarBlocks.END;
import static dev.soci4j.ztoc.tar.TarBlocks.ascii;
import static dev.soci4j.ztoc.tar.TarBlocks.concat;
import static dev.soci4j.ztoc.tar.TarBlocks.file;
import static dev.soci4j.ztoc.tar.TarBlocks.gnuLong;
import static dev.soci4j.ztoc.tar.TarBlocks.header;
import static dev.soci4j.ztoc.tar.TarBlocks.paxHeader;
import static dev.soci4j.ztoc.tar.TarBlocks.record;
import static dev.soci4j.ztoc.tar.TarBlocks.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.soci4j.ztoc.EntryType;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.InvalidLayerException;
import dev.soci4j.ztoc.UnsupportedLayerException;
import dev.soci4j.ztoc.Xattr;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(SeededRandom.class)
class TarScannerTest {

    private static TarScan scan(byte[] tar) throws IOException {
        return Feeder.scan(tar, Feeder.fixed(tar.length == 0 ? 1 : tar.length));
    }

    private static TarScan scanBytewise(byte[] tar) throws IOException {
        return Feeder.scan(tar, Feeder.fixed(1));
    }

    @Test
    void readsEveryFieldOfAUstarEntry() throws IOException {
        byte[] tar = concat(
                header("dev/sda", '4', 0).octal(329, 8, 8).octal(337, 8, 1).octal(100, 8, 06755).bytes(),
                file("etc/conf", ascii("hello")), END);

        TarScan scan = scanBytewise(tar);

        assertThat(scan.entries()).containsExactly(
                new FileMetadata("dev/sda", EntryType.BLOCK, 512, 0, "", 06755, 1000, 100, "alice", "staff",
                        "2023-11-14T22:13:20Z", 8, 1, List.of()),
                new FileMetadata("etc/conf", EntryType.REG, 1024, 5, "", 0644, 1000, 100, "alice", "staff",
                        "2023-11-14T22:13:20Z", 0, 0, List.of()));
        assertThat(scan.archiveSize()).isEqualTo(512 + 1024 + 1024);
    }

    @Test
    void joinsTheUstarPrefixAndTheStarPrefix() throws IOException {
        String prefix = "p".repeat(155);
        byte[] star = header("n", '0', 0).text(345, 131, "s".repeat(131)).text(476, 12, "0").text(488, 12, "0")
                .raw(508, ascii("tar\0")).bytes();
        byte[] tar = concat(header("name", '0', 0).text(345, 155, prefix).bytes(), star, END);

        assertThat(scan(tar).entries()).extracting(FileMetadata::name)
                .containsExactly(prefix + "/name", "s".repeat(131) + "/n");
    }

    @Test
    void gnuHeadersHaveNoPrefixAndV7HeadersNoOwnerNames() throws IOException {
        // A GNU header's bytes 345.. are atime and ctime, not a prefix; V7 has no uname/gname/devices.
        byte[] gnu = header("g", '0', 0).gnu().octal(345, 12, 1_600_000_000L).octal(357, 12, 1_600_000_001L).bytes();
        byte[] v7 = header("v", '0', 0).v7().octal(329, 8, 7).bytes();
        TarScan scan = scan(concat(gnu, v7, END));

        assertThat(scan.entries()).extracting(FileMetadata::name, FileMetadata::uname, FileMetadata::devmajor)
                .containsExactly(tuple("g", "alice", 0L),
                        tuple("v", "", 0L));
    }

    @Test
    void oldRegularTypeIsADirectoryWhenTheNameEndsInSlashAndItsDataIsNotSkipped() throws IOException {
        byte[] tar = concat(
                header("old", '\0', 3).bytes(), TarBlocks.padded(ascii("abc")),
                header("olddir/", '\0', 700).bytes(), // Go treats it as a dir: header only
                file("next", ascii("x")), END);

        TarScan scan = scan(tar);

        assertThat(scan.entries()).extracting(FileMetadata::name, FileMetadata::type,
                        FileMetadata::uncompressedOffset, FileMetadata::uncompressedSize)
                .containsExactly(
                        tuple("old", EntryType.REG, 512L, 3L),
                        tuple("olddir/", EntryType.DIR, 1536L, 700L),
                        tuple("next", EntryType.REG, 2048L, 1L));
    }

    @ParameterizedTest
    @ValueSource(chars = {'1', '2', '3', '4', '5', '6'})
    void headerOnlyTypesRecordTheirSizeFieldButHaveNoData(char type) throws IOException {
        byte[] tar = concat(header("special", type, 5000).text(157, 100, "target").bytes(),
                file("after", ascii("data")), END);

        TarScan scan = scan(tar);

        assertThat(scan.entries()).hasSize(2);
        assertThat(scan.entries().get(0).uncompressedSize()).isEqualTo(5000);
        assertThat(scan.entries().get(0).linkname()).isEqualTo("target");
        assertThat(scan.entries().get(1).uncompressedOffset()).isEqualTo(1024);
    }

    @Test
    void gnuLongNameAndLinkApplyToTheNextEntryOnly() throws IOException {
        String longName = "d".repeat(300) + "/ünï";
        String longLink = "t".repeat(200);
        byte[] tar = concat(gnuLong('L', longName), gnuLong('K', longLink),
                header("truncated", '2', 0).gnu().text(157, 100, "short").bytes(),
                header("plain", '2', 0).gnu().text(157, 100, "short").bytes(), END);

        TarScan scan = scanBytewise(tar);

        assertThat(scan.entries()).extracting(FileMetadata::name, FileMetadata::linkname, FileMetadata::uncompressedOffset)
                .containsExactly(tuple(longName, longLink, 2048L + 512),
                        tuple("plain", "short", 3072L));
    }

    @Test
    void paxRecordsOverrideTheHeaderAndAllBecomeSortedXattrs() throws IOException {
        byte[] binary = {0, (byte) 0xFF, '\n', '=', 1};
        byte[] data = concat(records("size", "3", "path", "ignored-earlier", "uid", "4294967301", "gid", "-1",
                        "mtime", "1700000000.123456789123", "uname", "", "gname", "pax-group", "linkpath", "→target",
                        "atime", "-1.5", "path", "pax/name", "zz", "last", "Z", "upper"),
                record("SCHILY.xattr.user.bin", binary));
        int paxBytes = paxHeader('x', data).length;
        byte[] tar = concat(paxHeader('x', data), header("hdr", '0', 0).bytes(), TarBlocks.padded(ascii("abc")),
                file("plain", new byte[0]), END);

        TarScan scan = scanBytewise(tar);

        FileMetadata e = scan.entries().get(0);
        assertThat(e.name()).isEqualTo("pax/name");
        assertThat(e.linkname()).isEqualTo("→target");
        assertThat(e.uncompressedOffset()).isEqualTo(paxBytes + 512);
        assertThat(e.uncompressedSize()).isEqualTo(3);
        assertThat(e.uid()).isEqualTo(5); // uint32 of 2^32 + 5
        assertThat(e.gid()).isEqualTo(0xFFFF_FFFFL);
        assertThat(e.uname()).isEqualTo("alice"); // empty value keeps the header's
        assertThat(e.gname()).isEqualTo("pax-group");
        assertThat(e.modTime()).isEqualTo("2023-11-14T22:13:20.123456789Z");
        assertThat(e.xattrs()).extracting(Xattr::key).containsExactly("SCHILY.xattr.user.bin", "Z", "atime", "gid",
                "gname", "linkpath", "mtime", "path", "size", "uid", "uname", "zz");
        assertThat(e.paxRecord("SCHILY.xattr.user.bin").orElseThrow().value()).isEqualTo(binary);
        assertThat(e.paxRecord("path").orElseThrow().valueString()).isEqualTo("pax/name");
        assertThat(e.paxRecord("uname").orElseThrow().valueLength()).isZero();
        assertThat(scan.entries().get(1)).extracting(FileMetadata::name, FileMetadata::xattrs,
                FileMetadata::uncompressedOffset).containsExactly("plain", List.of(), paxBytes + 512L + 512 + 512);
    }

    @Test
    void gnuLongNameWinsOverPaxPathAndSecondPaxHeaderReplacesTheFirst() throws IOException {
        byte[] tar = concat(paxHeader('x', records("path", "from-pax", "uname", "first")),
                paxHeader('x', records("path", "from-second-pax")),
                gnuLong('L', "from-gnu"), header("hdr", '0', 0).bytes(), END);

        FileMetadata e = scan(tar).entries().getFirst();

        assertThat(e.name()).isEqualTo("from-gnu");
        assertThat(e.uname()).isEqualTo("alice");
        assertThat(e.xattrs()).containsExactly(new Xattr("path", "from-second-pax"));
    }

    @Test
    void globalPaxHeaderMakesNoEntryAndIsNotApplied() throws IOException {
        byte[] tar = concat(paxHeader('x', records("path", "dropped")), paxHeader('g', records("path", "global", "uname", "g")),
                header("hdr", '0', 0).bytes(), END);

        TarScan scan = scan(tar);

        assertThat(scan.entries()).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("hdr");
            assertThat(e.uname()).isEqualTo("alice");
            assertThat(e.xattrs()).isEmpty();
            assertThat(e.uncompressedOffset()).isEqualTo(4 * 512 + 512);
        });
    }

    @Test
    void readsBase256NumbersAndKeepsUidGidAsUnsigned32Bits() throws IOException {
        byte[] tar = concat(header("big", '0', 0).base256(108, 8, 0x1_0000_0007L).base256(116, 8, -2)
                .base256(136, 12, -86_400L).base256(124, 12, 2).base256(100, 8, 0755).bytes(), new byte[512], END);

        FileMetadata e = scan(tar).entries().getFirst();

        assertThat(e.uid()).isEqualTo(7);
        assertThat(e.gid()).isEqualTo(0xFFFF_FFFEL);
        assertThat(e.modTime()).isEqualTo("1969-12-31T00:00:00Z");
        assertThat(e.uncompressedSize()).isEqualTo(2);
        assertThat(e.mode()).isEqualTo(0755);
    }

    @Test
    void octalFieldsMayBePaddedWithSpacesAndNulsAndEmptyMeansZero() throws IOException {
        byte[] tar = concat(header("f", '0', 0).raw(124, ascii("  12 \0\0\0\0\0\0\0")).raw(108, new byte[8])
                .raw(100, ascii("\0\0 644 ")).bytes(), new byte[512], END);

        FileMetadata e = scan(tar).entries().getFirst();

        assertThat(e.uncompressedSize()).isEqualTo(10);
        assertThat(e.uid()).isZero();
        assertThat(e.mode()).isEqualTo(0644);
    }

    @Test
    void rejectsInvalidNumericFieldsNamingEntryAndOffset() {
        byte[] tar = concat(file("ok", new byte[0]), header("bad-size", '0', 0).raw(124, ascii("12x4")).bytes(), END);

        assertThatThrownBy(() -> scan(tar)).isInstanceOf(InvalidLayerException.class)
                .hasMessageContaining("bad-size").hasMessageContaining("offset 512");
    }

    @Test
    void rejectsBase256Overflow() {
        byte[] field = new byte[12];
        field[0] = (byte) 0x80;
        field[3] = 1; // a bit above 2^64
        byte[] tar = concat(header("huge", '0', 0).raw(124, field).bytes(), END);

        assertThatThrownBy(() -> scan(tar)).isInstanceOf(InvalidLayerException.class).hasMessageContaining("huge");
    }

    @Test
    void acceptsSignedChecksumAndRejectsBadChecksum() throws IOException {
        byte[] signed = header("é", '0', 0).bytes(); // bytes >= 0x80 make signed and unsigned sums differ
        long sum = 0;
        for (int i = 0; i < 512; i++) sum += (i >= 148 && i < 156) ? ' ' : signed[i];
        System.arraycopy(String.format("%06o\0", sum).getBytes(), 0, signed, 148, 7);
        assertThat(scan(concat(signed, END)).entries()).extracting(FileMetadata::name).containsExactly("é");

        byte[] bad = header("x", '0', 0).bytes();
        bad[0] = 'y';
        byte[] tar = concat(file("first", ascii("1")), bad, END);
        assertThatThrownBy(() -> scan(tar)).isInstanceOf(InvalidLayerException.class)
                .hasMessageContaining("checksum").hasMessageContaining("offset 1024");
    }

    @Test
    void endsAfterTwoZeroBlocksIgnoringWhatFollows() throws IOException {
        byte[] tar = concat(file("a", ascii("a")), END, ascii("trailing garbage, not a tar header"));

        TarScan scan = scan(tar);

        assertThat(scan.entries()).hasSize(1);
        assertThat(scan.archiveSize()).isEqualTo(1024 + 1024);
    }

    @Test
    void endsAfterOneZeroBlockAtEndOfInputOrAtAHeaderBoundary() throws IOException {
        byte[] a = file("a", ascii("a"));
        assertThat(scan(concat(a, new byte[512])).archiveSize()).isEqualTo(1536);
        assertThat(scan(a).archiveSize()).isEqualTo(1024);
        assertThat(scan(new byte[0])).isEqualTo(new TarScan(List.of(), 0));
    }

    @Test
    void rejectsANonZeroBlockAfterAZeroBlock() {
        byte[] tar = concat(file("a", ascii("a")), new byte[512], file("b", ascii("b")), END);

        assertThatThrownBy(() -> scan(tar)).isInstanceOf(InvalidLayerException.class)
                .hasMessageContaining("offset 1536").hasMessageContaining("zero block");
    }

    /**
     * Cut a small archive at every byte: a cut at a header boundary (or just after the first end
     * block) is a complete archive holding the entries before it; anything else is a typed error.
     */
    @Test
    void truncationAtEveryOffsetIsEitherABoundaryOrAnInvalidLayer() throws IOException {
        List<byte[]> parts = List.of(paxHeader('x', records("path", "p".repeat(150), "mtime", "1.5")),
                header("x", '0', 700).bytes(), TarBlocks.padded(new byte[700]),
                gnuLong('L', "l".repeat(120)), header("y", '5', 0).gnu().bytes(),
                file("z", ascii("zz")), new byte[512], new byte[512]);
        byte[] tar = concat(parts.toArray(byte[][]::new));
        TarScan full = scan(tar);
        // Header starts (and the first zero block's end) are where Go's reader sees a clean EOF.
        TreeSet<Integer> boundaries = new TreeSet<>(List.of(0, 512 + 512, 1024 + 512 + 1024, 2560 + 1024,
                3584 + 512, 4096 + 1024, 5120 + 512, tar.length));

        for (int cut = 0; cut <= tar.length; cut++) {
            byte[] prefix = Arrays.copyOf(tar, cut);
            if (boundaries.contains(cut)) {
                TarScan scan = scanBytewise(prefix);
                long end = cut;
                long expectedEntries = full.entries().stream().filter(e -> e.uncompressedOffset() <= end).count();
                assertThat(scan.entries()).as("cut at %d", cut).hasSize((int) expectedEntries);
                assertThat(scan.archiveSize()).isEqualTo(cut);
            } else {
                int at = cut;
                assertThatThrownBy(() -> Feeder.scan(prefix, Feeder.fixed(7))).as("cut at %d", at)
                        .isInstanceOf(InvalidLayerException.class).hasMessageContaining("tar ends inside");
            }
        }
    }

    @Test
    void truncationInsideFileDataNamesTheEntry() {
        byte[] tar = Arrays.copyOf(concat(file("etc/conf", new byte[2000]), END), 512 + 100);

        assertThatThrownBy(() -> scan(tar)).isInstanceOf(InvalidLayerException.class)
                .hasMessage("tar ends inside entry etc/conf at offset 612 (in its data, 1948 bytes missing)");
    }

    @Test
    void absurdSizesFailAsTruncationWithoutAllocating() {
        byte[] octalMax = concat(header("huge-octal", '0', 077777777777L).bytes(), END);
        byte[] base256 = concat(header("huge-256", '0', 0).base256(124, 12, Long.MAX_VALUE).bytes(), END);
        byte[] negative = concat(header("negative", '0', 0).base256(124, 12, -1).bytes(), END);
        byte[] hugePax = concat(header("PaxHeaders/huge", 'x', 0).base256(124, 12, Long.MAX_VALUE / 2).bytes(), END);
        byte[] hugeLongName = concat(header("././@LongLink", 'L', (1 << 20) + 1).gnu().bytes(), END);

        assertThatThrownBy(() -> scan(octalMax)).isInstanceOf(InvalidLayerException.class).hasMessageContaining("huge-octal");
        assertThatThrownBy(() -> scan(base256)).isInstanceOf(InvalidLayerException.class).hasMessageContaining("huge-256");
        assertThatThrownBy(() -> scan(negative)).isInstanceOf(InvalidLayerException.class)
                .hasMessageContaining("negative size -1").hasMessageContaining("negative");
        assertThatThrownBy(() -> scan(hugePax)).isInstanceOf(InvalidLayerException.class)
                .hasMessageContaining("PAX header at offset 0").hasMessageContaining("more than the 1048576 allowed");
        assertThatThrownBy(() -> scan(hugeLongName)).isInstanceOf(InvalidLayerException.class)
                .hasMessageContaining("GNU long name header at offset 0");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "abc path=x\n", // length not a number
            "4 a=\n", // length below 5
            "99 path=x\n", // length beyond the data
            "11 path=x\nab", // length one too long: its last byte is not a newline
            "9 path=xy", // no newline
            "8 pathx\n", // no '='
            "6 =xy\n", // empty key
            " 10 path=x\n", // leading space: empty length
            "+11 path=x\n-5 a=b\n", // negative length
            "10 path=x\ngarbage", // trailing garbage
            "12 path=a\u0000b\n", // NUL in a path value
            "12 ke\u0000y=abc\n", // NUL in a key
            "11 uid=12a\n", // uid not a number
            "12 mtime=.5\n", // no seconds
            "13 mtime=1.x\n", // bad fraction
            "11 size=-1\n", // negative size
            "28 uid=99999999999999999999\n", // overflow
    })
    void rejectsMalformedPaxRecords(String recordData) {
        byte[] tar = concat(paxHeader('x', ascii(recordData)), header("victim", '0', 0).bytes(), END);

        assertThatThrownBy(() -> scan(tar)).isInstanceOf(InvalidLayerException.class)
                .hasMessageFindingMatch("PAX header at offset 0|entry victim");
    }

    @Test
    void acceptsPaxLengthWithPlusSignAndLeadingZeros() throws IOException {
        byte[] tar = concat(paxHeader('x', ascii("+12 path=ab\n013 uname=cd\n")), header("h", '0', 0).bytes(), END);

        FileMetadata e = scan(tar).entries().getFirst();

        assertThat(e.name()).isEqualTo("ab");
        assertThat(e.uname()).isEqualTo("cd");
    }

    @Test
    void rejectsGnuSparseEntry() {
        byte[] tar = concat(file("normal", ascii("n")), header("sparse-file", 'S', 0).gnu().bytes(), END);

        assertThatThrownBy(() -> scan(tar)).isInstanceOf(UnsupportedLayerException.class)
                .hasMessageContaining("sparse-file").hasMessageContaining("offset 1024").hasMessageContaining("sparse");
    }

    @Test
    void rejectsPaxGnuSparseEntryNamingTheResolvedName() {
        byte[] tar = concat(paxHeader('x', records("GNU.sparse.major", "1", "GNU.sparse.minor", "0",
                "path", "real/name")), header("GNUSparseFile.0/name", '0', 0).bytes(), END);

        assertThatThrownBy(() -> scan(tar)).isInstanceOf(UnsupportedLayerException.class)
                .hasMessageContaining("real/name").hasMessageContaining("sparse");
    }

    @ParameterizedTest
    @ValueSource(chars = {'7', 'V', 'M', 'N', 'D', 'Q', 'A'})
    void rejectsOtherEntryTypesNamingEntryAndType(char type) {
        byte[] tar = concat(header("odd", type, 0).bytes(), END);

        assertThatThrownBy(() -> scan(tar)).isInstanceOf(UnsupportedLayerException.class)
                .hasMessageContaining("entry odd").hasMessageContaining("'" + type + "'");
    }

    @Test
    void recordsHostileNamesExactlyAsStored() throws IOException {
        byte[] tar = concat(file("../x", ascii("1")), file("/abs/path", ascii("2")),
                header("b", '0', 0).text(345, 155, "a/../..").bytes(),
                paxHeader('x', records("path", "./../../etc/passwd", "linkpath", "/../../root")),
                header("l", '2', 0).bytes(), END);

        assertThat(scan(tar).entries()).extracting(FileMetadata::name, FileMetadata::linkname).containsExactly(
                tuple("../x", ""), tuple("/abs/path", ""),
                tuple("a/../../b", ""),
                tuple("./../../etc/passwd", "/../../root"));
    }

    @Test
    void modTimeOutsideYears0To9999IsEmptyText() throws IOException {
        byte[] tar = concat(header("future", '0', 0).base256(136, 12, 253_402_300_800L).bytes(),
                paxHeader('x', records("mtime", "-62167219201")), header("past", '0', 0).bytes(),
                paxHeader('x', records("mtime", "-62167219200")), header("year0", '0', 0).bytes(), END);

        assertThat(scan(tar).entries()).extracting(FileMetadata::modTime)
                .containsExactly("", "", "0000-01-01T00:00:00Z");
    }

    @Test
    void refusesInputAfterFinishOrFailure() throws IOException {
        TarScanner finished = new TarScanner();
        finished.finish();
        assertThatThrownBy(() -> finished.feed(ByteBuffer.allocate(1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(finished::finish).isInstanceOf(IllegalStateException.class);

        TarScanner failed = new TarScanner();
        byte[] bad = header("x", '0', 0).bytes();
        bad[0] = 'y';
        assertThatThrownBy(() -> failed.feed(ByteBuffer.wrap(bad))).isInstanceOf(InvalidLayerException.class);
        assertThatThrownBy(() -> failed.feed(ByteBuffer.allocate(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void readsDirectAndReadOnlyBuffers(Random random) throws IOException {
        byte[] data = new byte[3000];
        random.nextBytes(data);
        byte[] tar = concat(file("a", data), file("b", ascii("b")), END);
        TarScanner scanner = new TarScanner();
        for (int pos = 0; pos < tar.length; ) {
            int n = Math.min(tar.length - pos, 1 + random.nextInt(900));
            ByteBuffer direct = ByteBuffer.allocateDirect(n + 10).position(5);
            direct.put(tar, pos, n).flip().position(5);
            scanner.feed(random.nextBoolean() ? direct : direct.asReadOnlyBuffer());
            pos += n;
        }

        assertThat(scanner.finish().entries()).extracting(FileMetadata::uncompressedOffset).containsExactly(512L, 4096L);
    }

    @Test
    void looksLikeTarWantsAValidFirstHeader() {
        byte[] tar = concat(file("a", ascii("a")), END);
        byte[] corrupted = tar.clone();
        corrupted[10] ^= 1;

        assertThat(TarScanner.looksLikeTar(tar)).isTrue();
        assertThat(TarScanner.looksLikeTar(Arrays.copyOf(tar, 512))).isTrue();
        assertThat(TarScanner.looksLikeTar(Arrays.copyOf(tar, 511))).isFalse();
        assertThat(TarScanner.looksLikeTar(corrupted)).isFalse();
        assertThat(TarScanner.looksLikeTar(new byte[1024])).isFalse();
        assertThat(TarScanner.looksLikeTar(concat(new byte[] {0x1f, (byte) 0x8b, 8, 0}, new byte[600]))).isFalse();
    }

    @Test
    void randomGarbageNeverEscapesAsAnUncheckedException(Random random) {
        List<String> outcomes = new ArrayList<>();
        byte[] valid = concat(paxHeader('x', records("path", "p", "mtime", "1.25")), file("a", new byte[900]),
                gnuLong('K', "k"), header("l", '1', 0).bytes(), END);
        for (int i = 0; i < 2000; i++) {
            byte[] tar = valid.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) tar[random.nextInt(tar.length)] = (byte) random.nextInt(256);
            if (random.nextBoolean()) TarBlocks.fixChecksums(tar);
            try {
                Feeder.scan(tar, Feeder.random(random));
                outcomes.add("ok");
            } catch (InvalidLayerException | UnsupportedLayerException e) {
                outcomes.add(e.getClass().getSimpleName());
            }
        }
        assertThat(outcomes).contains("ok", "InvalidLayerException");
    }
}
