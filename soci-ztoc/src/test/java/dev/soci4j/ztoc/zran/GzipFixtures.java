package dev.soci4j.ztoc.zran;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Seeded test content and gzip streams written by java.util.zip (hand-made framing) and pigz. */
final class GzipFixtures {
    static final Path PIGZ = Path.of("/usr/bin/pigz");

    private GzipFixtures() {
    }

    /** A mix of random bytes, repetitive text and zero runs, {@code size} bytes long. */
    static byte[] content(Random random, int size) {
        byte[] data = new byte[size];
        String[] words = {"soci ", "lazy ", "loading ", "layer ", "span ", "checkpoint ", "gzip\n", "usr/lib/"};
        int at = 0;
        while (at < size) {
            int run = Math.min(size - at, 1 + random.nextInt(random.nextInt(8) == 0 ? 200_000 : 20_000));
            switch (random.nextInt(3)) {
                case 0 -> {
                    byte[] noise = new byte[run];
                    random.nextBytes(noise);
                    System.arraycopy(noise, 0, data, at, run);
                }
                case 1 -> {
                    for (int i = 0; i < run; ) {
                        byte[] w = words[random.nextInt(words.length)].getBytes(StandardCharsets.US_ASCII);
                        int n = Math.min(w.length, run - i);
                        System.arraycopy(w, 0, data, at + i, n);
                        i += n;
                    }
                }
                default -> Arrays.fill(data, at, at + run, (byte) 0);
            }
            at += run;
        }
        return data;
    }

    /** Which optional gzip header fields to write (RFC 1952 §2.3). */
    record Header(boolean extra, boolean name, boolean comment, boolean headerCrc) {
        static final Header PLAIN = new Header(false, false, false, false);

        static Header random(Random random) {
            return new Header(random.nextBoolean(), random.nextBoolean(), random.nextBoolean(), random.nextBoolean());
        }
    }

    /**
     * One gzip member written by {@link Deflater} at {@code level}; with {@code flushes}, random sync and
     * full flushes are mixed in (empty stored blocks, byte-aligned boundaries).
     */
    static byte[] member(byte[] data, int level, Header header, Random random, boolean flushes) {
        return member(data, level, header, random, flushes, () -> 1 + random.nextInt(300_000));
    }

    /** As above, with the deflater given input (and maybe flushed) in pieces of the sizes supplied. */
    static byte[] member(byte[] data, int level, Header header, Random random, boolean flushes,
                         java.util.function.IntSupplier pieceSizes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int flags = (header.headerCrc ? 2 : 0) | (header.extra ? 4 : 0) | (header.name ? 8 : 0) | (header.comment ? 16 : 0);
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, (byte) flags, 1, 2, 3, 4, 0, 3});
        if (header.extra) {
            byte[] extra = new byte[random.nextInt(300)];
            random.nextBytes(extra);
            head.write(extra.length & 0xff);
            head.write(extra.length >>> 8);
            head.writeBytes(extra);
        }
        if (header.name) {
            head.writeBytes("layer-name.tar".getBytes(StandardCharsets.ISO_8859_1));
            head.write(0);
        }
        if (header.comment) {
            head.writeBytes("a comment, not a name".getBytes(StandardCharsets.ISO_8859_1));
            head.write(0);
        }
        if (header.headerCrc) {
            CRC32 crc = new CRC32();
            crc.update(head.toByteArray());
            int crc16 = (int) crc.getValue() & 0xffff;
            head.write(crc16 & 0xff);
            head.write(crc16 >>> 8);
        }
        out.writeBytes(head.toByteArray());
        Deflater deflater = new Deflater(level, true);
        byte[] buffer = new byte[64 << 10];
        int at = 0;
        while (at < data.length) {
            int n = Math.min(data.length - at, pieceSizes.getAsInt());
            deflater.setInput(data, at, n);
            at += n;
            int mode = flushes && random.nextInt(3) != 0
                    ? (random.nextBoolean() ? Deflater.SYNC_FLUSH : Deflater.FULL_FLUSH) : Deflater.NO_FLUSH;
            int written;
            do {
                written = deflater.deflate(buffer, 0, buffer.length, mode);
                out.write(buffer, 0, written);
            } while (!deflater.needsInput() || written == buffer.length);
        }
        deflater.finish();
        while (!deflater.finished()) {
            int written = deflater.deflate(buffer);
            out.write(buffer, 0, written);
        }
        deflater.end();
        CRC32 crc = new CRC32();
        crc.update(data);
        writeIntLE(out, (int) crc.getValue());
        writeIntLE(out, data.length);
        return out.toByteArray();
    }

    /** {@code data} gzipped by pigz with the given options (skips the test when pigz is absent). */
    static byte[] pigz(byte[] data, String... options) throws IOException, InterruptedException {
        assumeThat(Files.isExecutable(PIGZ)).as("pigz at " + PIGZ).isTrue();
        List<String> command = new ArrayList<>(List.of(PIGZ.toString(), "-c"));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread writer = Thread.ofVirtual().start(() -> {
            try (var stdin = process.getOutputStream()) {
                stdin.write(data);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        byte[] result;
        try (InputStream stdout = process.getInputStream()) {
            result = stdout.readAllBytes();
        }
        writer.join();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("pigz failed: " + command);
        }
        return result;
    }

    static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** Indexes {@code gz} fed in random chunk sizes (up to {@code maxChunk}); the sink output goes to {@code sinkOut}. */
    static GzipIndex index(byte[] gz, long spanSize, Random random, int maxChunk, ByteArrayOutputStream sinkOut)
            throws IOException {
        try (GzipIndexer indexer = new GzipIndexer(spanSize, b -> {
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            sinkOut.writeBytes(bytes);
        })) {
            int at = 0;
            while (at < gz.length) {
                int n = Math.min(gz.length - at, 1 + random.nextInt(maxChunk));
                ByteBuffer chunk = random.nextBoolean() ? ByteBuffer.wrap(gz, at, n)
                        : ByteBuffer.allocateDirect(n).put(gz, at, n).flip();
                indexer.feed(chunk);
                at += n;
            }
            return indexer.finish();
        }
    }

    /** The span's compressed bytes as the zTOC defines them (the last span runs to the end). */
    static ByteBuffer spanBytes(byte[] gz, GzipCheckpoints checkpoints, int span) {
        int start = (int) checkpoints.checkpoint(span).compressedStart();
        int end = span + 1 < checkpoints.spanCount() ? (int) checkpoints.checkpoint(span + 1).in() : gz.length;
        return ByteBuffer.wrap(gz, start, end - start).slice();
    }

    static String sha256(ByteBuffer bytes) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(bytes.duplicate());
            return "sha256:" + HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static void writeIntLE(ByteArrayOutputStream out, int value) {
        for (int i = 0; i < 4; i++) out.write(value >>> (8 * i));
    }
}
