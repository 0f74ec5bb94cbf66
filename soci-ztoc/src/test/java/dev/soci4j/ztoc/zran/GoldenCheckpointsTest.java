package dev.soci4j.ztoc.zran;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci4j.ztoc.testing.Golden;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import dev.soci4j.ztoc.testing.SeededRandom;

/** The reference-written zTOCs embed exactly the checkpoints and span digests we compute. */
@ExtendWith(SeededRandom.class)
class GoldenCheckpointsTest {
    private static final long SPAN_1MIB = 1048576;
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    @ParameterizedTest
    @ValueSource(strings = {"gnu.tar.gz", "pax.tar.gz"})
    void checkpointsAndDigestsMatchTheReference(String layer, Random random) throws Exception {
        byte[] gz = Golden.bytes(layer);
        byte[] ztoc = Golden.bytes(layer + ".span1m.ztoc");
        ByteArrayOutputStream tar = new ByteArrayOutputStream();

        GzipIndex index = GzipFixtures.index(gz, SPAN_1MIB, random, 3 << 20, tar);

        byte[] blob = index.checkpoints().toBytes();
        assertThat(indexOf(ztoc, blob)).as("our checkpoint blob inside the golden zTOC").isGreaterThan(0);
        Set<String> golden = new LinkedHashSet<>();
        Matcher m = DIGEST.matcher(new String(ztoc, StandardCharsets.ISO_8859_1));
        while (m.find()) golden.add(m.group());
        assertThat(index.spanDigests()).hasSize(golden.size()).containsExactlyInAnyOrderElementsOf(golden);
        assertThat(index.checkpoints().spanCount()).isEqualTo(golden.size()).isGreaterThan(1);
        assertThat(index.compressedSize()).isEqualTo(gz.length);
        assertThat(index.uncompressedSize()).isEqualTo(tar.size())
                .isEqualTo(BareInflate.inflate(Channels.newChannel(new java.io.ByteArrayInputStream(gz))));
        assertThat(tar.toByteArray()).isEqualTo(uncompressed(layer));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gnu.tar.gz", "pax.tar.gz"})
    void goldenBlobParsesAndReadsBack(String layer, Random random) throws Exception {
        byte[] gz = Golden.bytes(layer);
        GzipIndex index = GzipFixtures.index(gz, SPAN_1MIB, random, 1 << 20, new ByteArrayOutputStream());
        byte[] blob = index.checkpoints().toBytes();
        GzipCheckpoints parsed = GzipCheckpoints.parse(blob.clone());
        assertThat(parsed).isEqualTo(index.checkpoints());

        byte[] tar = uncompressed(layer);
        SpanInflater spans = new SpanInflater(parsed, index.uncompressedSize());
        for (int span = 0; span < parsed.spanCount(); span++) {
            long start = spans.spanStart(span);
            long end = spans.spanEnd(span);
            byte[] got = spans.read(span, GzipFixtures.spanBytes(gz, parsed, span), start, end);
            assertThat(ByteBuffer.wrap(got)).as("span %d", span).isEqualTo(ByteBuffer.wrap(tar, (int) start, (int) (end - start)));
        }
    }

    /** gnu.tar is the same bytes as gnu.tar.gz uncompressed; pax has no plain copy, so we use zlib via the JDK. */
    private static byte[] uncompressed(String layer) throws Exception {
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(Golden.bytes(layer)))) {
            return in.readAllBytes();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }
}
