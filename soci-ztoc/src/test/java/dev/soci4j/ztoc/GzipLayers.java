package dev.soci4j.ztoc;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Ways a tar becomes a layer blob in these tests: as is, or gzipped by java.util.zip or pigz. */
enum GzipLayers {
    TAR, LEVEL_1, LEVEL_2, LEVEL_3, LEVEL_4, LEVEL_5, LEVEL_6, LEVEL_7, LEVEL_8, LEVEL_9,
    /** 2 to 5 members, each at a random level (as {@code cat a.gz b.gz} writes) */
    MULTI_MEMBER,
    /** FEXTRA, FNAME, FCOMMENT and FHCRC in the member header */
    HEADER_FIELDS,
    /** pigz's independent 128 KiB blocks, each ending on a byte boundary */
    PIGZ;

    static final Path PIGZ_PATH = Path.of("/usr/bin/pigz");

    byte[] layer(byte[] tar, Random random) throws IOException, InterruptedException {
        return switch (this) {
            case TAR -> tar.clone();
            case LEVEL_1, LEVEL_2, LEVEL_3, LEVEL_4, LEVEL_5, LEVEL_6, LEVEL_7, LEVEL_8, LEVEL_9 ->
                    member(tar, 0, tar.length, ordinal(), false, random);
            case MULTI_MEMBER -> {
                int members = 2 + random.nextInt(4);
                List<Integer> cuts = new ArrayList<>();
                for (int i = 1; i < members; i++) cuts.add(random.nextInt(tar.length + 1));
                cuts.add(0);
                cuts.add(tar.length);
                cuts.sort(null);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (int i = 0; i + 1 < cuts.size(); i++) {
                    out.writeBytes(member(tar, cuts.get(i), cuts.get(i + 1), random.nextInt(10), false, random));
                }
                yield out.toByteArray();
            }
            case HEADER_FIELDS -> member(tar, 0, tar.length, 6, true, random);
            case PIGZ -> pigz(tar, "-" + (1 + random.nextInt(9)), "-b", "128");
        };
    }

    /** One gzip member of {@code data[from, to)} (RFC 1952), with all optional header fields when asked. */
    static byte[] member(byte[] data, int from, int to, int level, boolean headerFields, Random random) {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int flags = headerFields ? 2 | 4 | 8 | 16 : 0;
        head.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, (byte) flags, 0x5e, 0x11, 0x2a, 0x65, 0, 3});
        if (headerFields) {
            byte[] extra = new byte[1 + random.nextInt(400)];
            random.nextBytes(extra);
            head.write(extra.length & 0xff);
            head.write(extra.length >>> 8);
            head.writeBytes(extra);
            head.writeBytes("layer.tar\0".getBytes(StandardCharsets.ISO_8859_1));
            head.writeBytes("comment: not a name\0".getBytes(StandardCharsets.ISO_8859_1));
            CRC32 headerCrc = new CRC32();
            headerCrc.update(head.toByteArray());
            head.write((int) headerCrc.getValue() & 0xff);
            head.write(((int) headerCrc.getValue() >>> 8) & 0xff);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toByteArray());
        Deflater deflater = new Deflater(level, true);
        deflater.setInput(data, from, to - from);
        deflater.finish();
        byte[] buffer = new byte[64 << 10];
        while (!deflater.finished()) out.write(buffer, 0, deflater.deflate(buffer));
        deflater.end();
        CRC32 crc = new CRC32();
        crc.update(data, from, to - from);
        writeIntLE(out, (int) crc.getValue());
        writeIntLE(out, to - from);
        return out.toByteArray();
    }

    /** {@code data} gzipped by pigz (the test is skipped when pigz is absent). */
    static byte[] pigz(byte[] data, String... options) throws IOException, InterruptedException {
        assumeThat(Files.isExecutable(PIGZ_PATH)).as("pigz at " + PIGZ_PATH).isTrue();
        List<String> command = new ArrayList<>(List.of(PIGZ_PATH.toString(), "-c"));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread writer = Thread.ofVirtual().start(() -> {
            try (var stdin = process.getOutputStream()) {
                stdin.write(data);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        byte[] result;
        try (InputStream stdout = process.getInputStream()) {
            result = stdout.readAllBytes();
        }
        writer.join();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0)
            throw new IOException("pigz failed: " + command);
        return result;
    }

    private static void writeIntLE(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }
}
