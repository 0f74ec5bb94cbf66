package dev.soci4j.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.soci4j.ztoc.fbs.TarZinfo;
import dev.soci4j.ztoc.testing.Golden;
import dev.soci4j.ztoc.testing.SeededRandom;
import dev.soci4j.ztoc.testing.ZtocSamples;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(SeededRandom.class)
class ZtocCodecTest {
    private static final long SPAN = 1_048_576;

    @ParameterizedTest
    @ValueSource(strings = {"gnu.tar.gz.span1m.ztoc", "pax.tar.gz.span1m.ztoc", "gnu.tar.span1m.ztoc"})
    void decodesGoldenAndReencodesItByteForByte(String name) throws Exception {
        byte[] golden = Golden.bytes(name);
        Ztoc ztoc = ZtocCodec.decode(golden);
        assertThat(ztoc.version()).isEqualTo("0.9");
        assertThat(ztoc.buildToolIdentifier()).isEqualTo("AWS SOCI CLI v0.2");
        assertThat(ZtocCodec.encode(ztoc)).isEqualTo(golden);
    }

    @Test
    void decodesGoldenUncompressedZtoc() throws Exception {
        byte[] tar = Golden.bytes("gnu.tar");
        Ztoc ztoc = ZtocCodec.decode(Golden.bytes("gnu.tar.span1m.ztoc"));
        CompressionInfo info = ztoc.compressionInfo();
        assertThat(info.algorithm()).isEqualTo(CompressionAlgorithm.UNCOMPRESSED);
        assertThat(TarZinfo.decode(info.checkpoints())).isEqualTo(new TarZinfo(2, SPAN, tar.length));
        assertThat(ztoc.compressedArchiveSize()).isEqualTo(tar.length);
        assertThat(info.maxSpanId()).isEqualTo((tar.length - 1) / SPAN);
        for (int i = 0; i <= info.maxSpanId(); i++) {
            int from = (int) (i * SPAN);
            int to = (int) Math.min(from + SPAN, tar.length);
            assertThat(info.spanDigests().get(i)).as("span %d", i).isEqualTo(sha256(tar, from, to));
        }
        assertTocMatchesTar(ztoc, tar);
    }

    @Test
    void decodesGoldenGzipZtocs() throws Exception {
        Ztoc gnu = ZtocCodec.decode(Golden.bytes("gnu.tar.gz.span1m.ztoc"));
        Ztoc uncompressed = ZtocCodec.decode(Golden.bytes("gnu.tar.span1m.ztoc"));
        byte[] layer = Golden.bytes("gnu.tar.gz");
        CompressionInfo info = gnu.compressionInfo();
        assertThat(info.algorithm()).isEqualTo(CompressionAlgorithm.GZIP);
        assertThat(gnu.compressedArchiveSize()).isEqualTo(layer.length);
        assertThat(gnu.uncompressedArchiveSize()).isEqualTo(uncompressed.uncompressedArchiveSize());
        assertThat(gnu.files()).isEqualTo(uncompressed.files()); // same tar, same TOC

        ByteBuffer blob = ByteBuffer.wrap(info.checkpoints()).order(ByteOrder.LITTLE_ENDIAN);
        int count = blob.getInt(0);
        assertThat(blob.getLong(4)).isEqualTo(SPAN);
        assertThat(info.maxSpanId()).isEqualTo(count - 1);
        assertThat(count).isGreaterThan(5); // a 6 MiB random file spans several spans
        long[] in = new long[count + 1];
        int[] bits = new int[count];
        for (int i = 0; i < count; i++) {
            int at = 12 + i * ZtocSamples.GZIP_CHECKPOINT_BYTES;
            in[i] = blob.getLong(at);
            bits[i] = blob.get(at + 16);
        }
        in[count] = layer.length;
        for (int i = 0; i < count; i++) {
            // soci-format.md §2: span i is [in_i - (bits_i ? 1 : 0), in_{i+1}), the last ending at the blob end
            assertThat(info.spanDigests().get(i)).as("span %d", i)
                    .isEqualTo(sha256(layer, (int) in[i] - (bits[i] != 0 ? 1 : 0), (int) in[i + 1]));
        }
    }

    @Test
    void decodesGoldenPaxRecords() throws Exception {
        Ztoc pax = ZtocCodec.decode(Golden.bytes("pax.tar.gz.span1m.ztoc"));
        assertThat(pax.files()).isNotEmpty().allSatisfy(f -> {
            assertThat(f.paxRecord("mtime")).as(f.name()).isPresent();
            List<String> keys = f.xattrs().stream().map(Xattr::key).toList();
            assertThat(keys).as(f.name()).isSortedAccordingTo(String::compareTo);
        });
        assertThat(pax.files()).anySatisfy(f -> assertThat(f.paxRecord("path").map(Xattr::valueString))
                .contains(f.name()));
        assertThat(pax.files()).anySatisfy(f -> assertThat(f.paxRecord("linkpath").map(Xattr::valueString))
                .contains(f.linkname()));
        assertThat(pax.files()).anySatisfy(f -> assertThat(f.modTime()).matches(".*\\.\\d+Z"));
        assertThat(pax.files()).extracting(FileMetadata::type).contains(EntryType.REG, EntryType.DIR,
                EntryType.SYMLINK, EntryType.HARDLINK, EntryType.FIFO);
    }

    /** Every entry's header block (before its data, after any extension headers) names it. */
    private static void assertTocMatchesTar(Ztoc ztoc, byte[] tar) {
        assertThat(ztoc.files()).hasSizeGreaterThan(5);
        for (FileMetadata f : ztoc.files()) {
            int header = (int) f.uncompressedOffset() - 512;
            String size = new String(tar, header + 124, 11, StandardCharsets.US_ASCII);
            assertThat(Long.parseLong(size, 8)).as(f.name()).isEqualTo(f.uncompressedSize());
            byte[] name = f.name().getBytes(StandardCharsets.UTF_8);
            if (name.length < 100)
                assertThat(Arrays.copyOfRange(tar, header, header + name.length)).as(f.name()).isEqualTo(name);
        }
    }

    private static String sha256(byte[] bytes, int from, int to) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(bytes, from, to - from);
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    @Test
    void roundTripsRandomValidZtocs(Random random) throws Exception {
        for (int i = 0; i < 300; i++) {
            Ztoc ztoc = ZtocSamples.randomValid(random);
            assertThat(ZtocCodec.decode(ZtocCodec.encode(ztoc))).isEqualTo(ztoc);
        }
    }

    @Test
    void rejectsEveryTruncationOfASmallZtoc() {
        byte[] bytes = ZtocCodec.encode(ZtocSamples.smallTar());
        for (int length = 0; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> ZtocCodec.decode(truncated)).as("truncated to %d of %d", length, bytes.length)
                    .isInstanceOf(InvalidZtocException.class);
        }
    }

    @Test
    @Timeout(120)
    void survivesRandomByteFlipsOfTheSmallZtoc(Random random) {
        assertMutationsFailCleanly(ZtocCodec.encode(ZtocSamples.smallTar()), random, 20_000);
    }

    @Test
    @Timeout(120)
    void survivesRandomByteFlipsOfAGoldenZtoc(Random random) {
        byte[] golden = Golden.bytes("pax.tar.gz.span1m.ztoc");
        assertMutationsFailCleanly(golden, random, 3_000);
    }

    @Test
    @Timeout(120)
    void survivesRandomByteFlipsOfTheUncompressedGoldenZtoc(Random random) {
        assertMutationsFailCleanly(Golden.bytes("gnu.tar.span1m.ztoc"), random, 10_000);
    }

    /**
     * Each mutation flips 1 to 4 bytes, or overwrites a random 4-byte word with an extreme value; the
     * result either fails with {@link InvalidZtocException} or decodes to a zTOC that passes validation
     * and survives its own round trip. Any other exception fails the test.
     */
    private static void assertMutationsFailCleanly(byte[] original, Random random, int mutations) {
        int rejected = 0;
        for (int m = 0; m < mutations; m++) {
            byte[] bytes = original.clone();
            if (random.nextInt(4) == 0) {
                int at = random.nextInt(bytes.length - 3) & ~3;
                int[] extremes = {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, bytes.length, -bytes.length, 4};
                int v = extremes[random.nextInt(extremes.length)];
                for (int k = 0; k < 4; k++) bytes[at + k] = (byte) (v >>> 8 * k);
            } else {
                int flips = 1 + random.nextInt(4);
                for (int k = 0; k < flips; k++) bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
            }
            try {
                Ztoc ztoc = ZtocCodec.decode(bytes);
                ZtocValidator.validate(ztoc);
                assertThat(ZtocCodec.decode(ZtocCodec.encode(ztoc))).isEqualTo(ztoc);
            } catch (InvalidZtocException e) {
                assertThat(e.getMessage()).isNotBlank();
                rejected++;
            } catch (RuntimeException | Error e) {
                fail("mutation %d: %s on %s".formatted(m, e, HexFormat.of().formatHex(diff(original, bytes))), e);
            }
        }
        assertThat(rejected).as("mutations rejected").isPositive();
    }

    private static byte[] diff(byte[] a, byte[] b) {
        int first = 0;
        while (first < a.length && a[first] == b[first]) first++;
        return Arrays.copyOfRange(b, first, Math.min(b.length, first + 16));
    }
}
