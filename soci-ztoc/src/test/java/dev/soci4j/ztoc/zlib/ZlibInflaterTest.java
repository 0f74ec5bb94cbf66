package dev.soci4j.ztoc.zlib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.ztoc.testing.SeededRandom;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SeededRandom.class)
class ZlibInflaterTest {
    private static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    @Test
    void reportsTheLibraryVersion() {
        assertThat(ZlibInflater.zlibVersion()).startsWith("1.");
    }

    @Test
    void inflatesGzipAndStopsAtBlocks(Random random) throws Exception {
        byte[] data = new byte[200_000];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (random.nextInt(16) + 'a');
        ByteBuffer in = direct(gzip(data));
        ByteBuffer out = ByteBuffer.allocateDirect(data.length);
        int boundaries = 0;
        try (ZlibInflater inflater = ZlibInflater.open(ZlibInflater.Format.GZIP)) {
            ZlibInflater.Status status;
            do {
                status = inflater.inflate(in, out, ZlibInflater.Flush.BLOCK);
                if ((inflater.dataType() & 128) != 0) boundaries++;
            } while (status == ZlibInflater.Status.OK);
            assertThat(status).isEqualTo(ZlibInflater.Status.STREAM_END);
        }
        assertThat(in.hasRemaining()).isFalse();
        byte[] got = new byte[data.length];
        out.flip().get(got);
        assertThat(got).isEqualTo(data);
        assertThat(boundaries).as("after the header and after each block").isGreaterThan(1);
    }

    @Test
    void resumesRawWithDictionary(Random random) throws Exception {
        byte[] dict = new byte[1000];
        random.nextBytes(dict);
        byte[] data = new byte[5000];
        for (int i = 0; i < data.length; i++) data[i] = dict[i % 1000];
        Deflater deflater = new Deflater(6, true);
        deflater.setDictionary(dict);
        deflater.setInput(data);
        deflater.finish();
        byte[] raw = new byte[10_000];
        int n = deflater.deflate(raw);
        deflater.end();
        ByteBuffer out = ByteBuffer.allocateDirect(data.length);
        try (ZlibInflater inflater = ZlibInflater.open(ZlibInflater.Format.RAW)) {
            inflater.setDictionary(ByteBuffer.wrap(dict));
            assertThat(inflater.inflate(direct(java.util.Arrays.copyOf(raw, n)), out, ZlibInflater.Flush.NO_FLUSH))
                    .isEqualTo(ZlibInflater.Status.STREAM_END);
        }
        byte[] got = new byte[data.length];
        out.flip().get(got);
        assertThat(got).isEqualTo(data);
    }

    @Test
    void corruptDataCarriesZlibsMessage() throws Exception {
        try (ZlibInflater inflater = ZlibInflater.open(ZlibInflater.Format.GZIP)) {
            assertThatThrownBy(() -> inflater.inflate(direct("hello world".getBytes()), ByteBuffer.allocateDirect(100),
                    ZlibInflater.Flush.NO_FLUSH))
                    .isInstanceOfSatisfying(ZlibDataException.class, e -> {
                        assertThat(e.zlibMessage()).isEqualTo("incorrect header check");
                        assertThat(e.returnCode()).isEqualTo(-3);
                    })
                    .hasMessage("zlib: incorrect header check");
        }
    }

    @Test
    void needsDirectBuffersAndAnOpenStream() throws Exception {
        ZlibInflater inflater = ZlibInflater.open(ZlibInflater.Format.RAW);
        assertThatThrownBy(() -> inflater.inflate(ByteBuffer.allocate(10), ByteBuffer.allocateDirect(10),
                ZlibInflater.Flush.NO_FLUSH)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("direct");
        assertThatThrownBy(() -> inflater.prime(17, 0)).isInstanceOf(IllegalArgumentException.class);
        inflater.close();
        inflater.close(); // idempotent
        assertThatThrownBy(inflater::reset).isInstanceOf(IllegalStateException.class).hasMessage("inflater is closed");
    }

    @Test
    void missingLibraryIsOneLineNamingPathAndProperty() {
        Path missing = Path.of("/nonexistent/soci4j/libz.so.1");
        assertThatThrownBy(() -> ZlibLibrary.open(missing))
                .isInstanceOf(ZlibUnavailableException.class)
                .hasMessage("zlib not found at /nonexistent/soci4j/libz.so.1 (set -Dsoci4j.zlib.path=<absolute path of libz.so.1>)")
                .hasMessageNotContaining("\n");
    }

    @Test
    void pathPropertyOverridesTheDefault() {
        String previous = System.getProperty(ZlibLibrary.PATH_PROPERTY);
        try {
            System.setProperty(ZlibLibrary.PATH_PROPERTY, "/opt/zlib/libz.so.1");
            assertThat(ZlibLibrary.configuredPath()).isEqualTo(Path.of("/opt/zlib/libz.so.1"));
            System.clearProperty(ZlibLibrary.PATH_PROPERTY);
            assertThat(ZlibLibrary.configuredPath()).isEqualTo(Path.of("/lib/x86_64-linux-gnu/libz.so.1"));
        } finally {
            if (previous == null) System.clearProperty(ZlibLibrary.PATH_PROPERTY);
            else System.setProperty(ZlibLibrary.PATH_PROPERTY, previous);
        }
    }
}
