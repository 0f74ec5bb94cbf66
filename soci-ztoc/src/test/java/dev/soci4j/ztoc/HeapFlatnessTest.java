package dev.soci4j.ztoc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * "Heap flat in the layer size": building and encoding a zTOC holds the zTOC about twice (the model,
 * whose checkpoints blob is the bulk, and the encoder's buffer), plus a constant; nothing else grows
 * with the layer. Checked without trusting any one JVM's baseline: a child JVM builds a small layer
 * with a generous fixed heap, then a large one with that heap plus 2.5x the growth of the zTOC. The
 * code before this test held the blob four to five times (per-checkpoint windows, the packed blob,
 * two clones, the doubling FlatBuffers buffer) and needs about twice the allowance.
 *
 * <p>The layers are generated inside the child as they are read (incompressible and text files in a
 * tar, gzipped on the fly), so they are never on disk or in the heap. Small spans (128 KiB) make the
 * checkpoints dominate: about 10 MB of zTOC for the small layer and 41 MB for the large one.
 */
class HeapFlatnessTest {
    private static final long SPAN = 128 << 10;
    private static final long SMALL_TAR = 40L << 20;
    private static final long LARGE_TAR = 160L << 20;
    private static final long BASE_HEAP = 64L << 20;

    @Test
    void heapGrowsWithTheZtocNotWithCopiesOfIt() throws Exception {
        long small = runChild(SMALL_TAR, BASE_HEAP);
        long large = ztocSizeOfLarge(small);
        assertThat(large - small).as("the zTOC grows with the layer (else the test proves nothing)")
                .isGreaterThan(25L << 20);
    }

    private static long ztocSizeOfLarge(long small) throws Exception {
        // The large zTOC's size is known from the layer's shape: spans scale with the tar, 32,785 bytes
        // each; the toc with the file count. Estimate from the small run, then check it after the fact.
        long estimate = small * (LARGE_TAR / SMALL_TAR);
        long heap = BASE_HEAP + (estimate - small) * 5 / 2;
        long large = runChild(LARGE_TAR, heap);
        assertThat(large).as("estimated large zTOC size").isBetween(estimate * 9 / 10, estimate * 11 / 10);
        return large;
    }

    /** Builds and encodes a generated layer of {@code tarBytes} in a child JVM with {@code heap}; its zTOC size. */
    private static long runChild(long tarBytes, long heap) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-Xmx" + (heap >> 20) + "m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                Child.class.getName(), Long.toString(tarBytes), Long.toString(SPAN)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("child finished").isTrue();
        assertThat(process.exitValue()).as("layer of %d MiB with -Xmx%dm:%n%s", tarBytes >> 20, heap >> 20, output)
                .isZero();
        String last = output.strip().lines().reduce((a, b) -> b).orElseThrow();
        return Long.parseLong(last.substring(last.indexOf('=') + 1));
    }

    /** The child: builds the zTOC as {@code soci ztoc build} does and prints {@code ztoc_bytes=N}. */
    public static final class Child {
        public static void main(String[] args) throws IOException {
            long tarBytes = Long.parseLong(args[0]);
            long span = Long.parseLong(args[1]);
            Ztoc ztoc;
            try (GeneratedGzipLayer layer = new GeneratedGzipLayer(tarBytes)) {
                ztoc = new ZtocBuilder(span).build(layer);
            }
            ByteBuffer bytes = ZtocCodec.encodeBuffer(ztoc);
            System.out.println("files=" + ztoc.files().size() + " spans=" + ztoc.numSpans());
            System.out.println("ztoc_bytes=" + bytes.remaining());
        }
    }

    /**
     * A gzip'd tar made as it is read: files of up to 128 KiB, half incompressible (slices of a 1 MiB
     * random pool, farther apart than deflate's 32 KiB window), half text; fixed seed. Not thread-safe.
     */
    static final class GeneratedGzipLayer implements ReadableByteChannel {
        private final long tarBytes;
        private final SplittableRandom random = new SplittableRandom(42);
        private final byte[] pool = new byte[1 << 20];
        private final Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        private final CRC32 crc = new CRC32();
        private final byte[] tarChunk = new byte[256 << 10];
        private final byte[] out = new byte[256 << 10];
        private ByteBuffer pending = ByteBuffer.wrap(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
        private long written;     // tar bytes generated
        private long fileLeft;    // data bytes of the current file still to write
        private boolean fileIsText;
        private int fileNumber;
        private boolean trailerDone;

        GeneratedGzipLayer(long tarBytes) {
            this.tarBytes = tarBytes;
            random.nextBytes(pool);
        }

        @Override
        public int read(ByteBuffer dst) {
            while (!pending.hasRemaining()) {
                if (trailerDone) return -1;
                refill();
            }
            int n = Math.min(dst.remaining(), pending.remaining());
            dst.put(dst.position(), pending, pending.position(), n);
            dst.position(dst.position() + n);
            pending.position(pending.position() + n);
            return n;
        }

        private void refill() {
            if (deflater.needsInput() && written < tarBytes) {
                int n = nextTar(tarChunk);
                crc.update(tarChunk, 0, n);
                deflater.setInput(tarChunk, 0, n);
                if (written >= tarBytes) deflater.finish();
            }
            int n = deflater.deflate(out);
            if (n > 0) {
                pending = ByteBuffer.wrap(out, 0, n);
            } else if (deflater.finished()) {
                ByteBuffer trailer = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                trailer.putInt((int) crc.getValue()).putInt((int) written).flip();
                pending = trailer;
                trailerDone = true;
            }
        }

        /** Fills {@code buf} with the next tar bytes: headers, data, padding, and at the end two zero blocks. */
        private int nextTar(byte[] buf) {
            int at = 0;
            while (at < buf.length && written < tarBytes) {
                if (fileLeft == 0) {
                    long room = tarBytes - written - 3 * 512;
                    if (room < 512 || buf.length - at < 512) {
                        if (room < 512) { // the end: zero blocks to tarBytes
                            int n = (int) Math.min(buf.length - at, tarBytes - written);
                            java.util.Arrays.fill(buf, at, at + n, (byte) 0);
                            at += n;
                            written += n;
                        }
                        if (room >= 512) break;
                        continue;
                    }
                    long size = Math.min(random.nextLong(128 << 10) / 512 * 512, room - 512);
                    header(buf, at, "dir%03d/file%06d".formatted(fileNumber / 1000, fileNumber), size);
                    fileNumber++;
                    at += 512;
                    written += 512;
                    fileLeft = size;
                    fileIsText = random.nextBoolean();
                    continue;
                }
                int n = (int) Math.min(fileLeft, buf.length - at);
                if (fileIsText) {
                    for (int i = 0; i < n; i++) buf[at + i] = (byte) ('a' + (random.nextInt(64) & 15) + (i % 61 == 60 ? -87 : 0));
                } else {
                    System.arraycopy(pool, random.nextInt(pool.length - n + 1), buf, at, n);
                }
                at += n;
                written += n;
                fileLeft -= n;
            }
            return at;
        }

        private static void header(byte[] buf, int at, String name, long size) {
            java.util.Arrays.fill(buf, at, at + 512, (byte) 0);
            put(buf, at, name);
            put(buf, at + 100, "0000644");
            put(buf, at + 108, "0000000");
            put(buf, at + 116, "0000000");
            put(buf, at + 124, "%011o".formatted(size));
            put(buf, at + 136, "14477350000");
            buf[at + 156] = '0';
            put(buf, at + 257, "ustar");
            put(buf, at + 263, "00");
            put(buf, at + 265, "root");
            put(buf, at + 297, "root");
            java.util.Arrays.fill(buf, at + 148, at + 156, (byte) ' ');
            int sum = 0;
            for (int i = 0; i < 512; i++) sum += buf[at + i] & 0xff;
            put(buf, at + 148, "%06o".formatted(sum));
            buf[at + 154] = 0;
        }

        private static void put(byte[] buf, int at, String s) {
            byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(b, 0, buf, at, b.length);
        }

        @Override
        public boolean isOpen() {
            return !trailerDone || pending.hasRemaining();
        }

        @Override
        public void close() {
            deflater.end();
        }
    }
}
