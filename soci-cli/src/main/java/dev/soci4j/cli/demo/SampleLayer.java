package dev.soci4j.cli.demo;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the demo's sample layer: a gzip tar shaped like a web server image's top layers, with many
 * small configuration and text files, mid-size binaries and one large data file (like the 1 GiB file of
 * the original Fargate experiment). Deterministic for a given seed; records each file's sha256 so reads
 * through the zTOC can be checked.
 */
public final class SampleLayer {
    /** A file of the sample layer and the sha256 of its content. */
    public record SampleFile(String path, long size, String sha256) {
    }

    /** What was written. {@code startupFiles} are the few files a server would open at start. */
    public record Written(Path layer, long compressedSize, long uncompressedSize, List<SampleFile> files,
                          List<SampleFile> startupFiles) {
    }

    private static final String[] WORDS = ("server listen worker connections include mime types default "
            + "application octet stream sendfile tcp nopush keepalive timeout gzip access log error location "
            + "root index html proxy pass header host remote addr upstream cache valid expires charset utf "
            + "events http user daemon pid module load ssl certificate protocols ciphers prefer session").split(" ");

    private final long largeFileBytes;
    private final long seed;

    /**
     * @param largeFileBytes size of the one large data file; the rest of the layer is about 90 MiB
     */
    public SampleLayer(long largeFileBytes, long seed) {
        this.largeFileBytes = largeFileBytes;
        this.seed = seed;
    }

    public Written write(Path layer) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        List<SampleFile> files = new ArrayList<>();
        List<SampleFile> startup = new ArrayList<>();
        long mtime = 1_700_000_000L;
        try (OutputStream raw = Files.newOutputStream(layer);
             GZIPOutputStream gzip = new FastGzip(new BufferedOutputStream(raw, 1 << 20));
             TarStreamWriter tar = new TarStreamWriter(new BufferedOutputStream(gzip, 1 << 20))) {
            for (String dir : List.of("etc", "etc/nginx", "etc/nginx/conf.d", "usr", "usr/bin", "usr/lib",
                    "usr/share", "usr/share/doc", "usr/share/nginx", "usr/share/nginx/html", "var", "var/lib")) {
                tar.directory(dir, mtime);
            }
            startup.add(file(tar, files, "etc/nginx/nginx.conf", text(random, 2_600), mtime));
            startup.add(file(tar, files, "etc/nginx/mime.types", text(random, 5_200), mtime));
            // many small text files, like /usr/share/doc
            for (int i = 0; i < 2_500; i++) {
                String name = "usr/share/doc/pkg%04d/%s".formatted(i / 10, i % 10 == 0 ? "copyright" : "changelog." + i);
                if (i % 10 == 0) tar.directory("usr/share/doc/pkg%04d".formatted(i / 10), mtime);
                file(tar, files, name, text(random, 2_000 + random.nextInt(14_000)), mtime);
            }
            // mid-size binaries and libraries: half structure, half noise
            for (int i = 0; i < 120; i++) {
                String name = (i % 3 == 0 ? "usr/bin/tool" : "usr/lib/libsample") + i + (i % 3 == 0 ? "" : ".so.1");
                SampleFile f = file(tar, files, name, binary(random, 100_000 + random.nextInt(900_000)), mtime);
                if (i == 0) startup.add(f);
            }
            tar.symlink("usr/bin/nginx", "tool0", mtime);
            startup.add(file(tar, files, "usr/share/nginx/html/index.html",
                    "<!DOCTYPE html><html><body><h1>Hello from soci4j</h1></body></html>\n"
                            .getBytes(StandardCharsets.US_ASCII), mtime));
            // the large data file, random like the experiment's: read lazily, it is never touched
            largeFile(tar, files, "var/lib/data/random.bin", random);
        }
        long compressed = Files.size(layer);
        long uncompressed = files.stream().mapToLong(SampleFile::size).sum();
        return new Written(layer, compressed, uncompressed, List.copyOf(files), List.copyOf(startup));
    }

    private SampleFile file(TarStreamWriter tar, List<SampleFile> files, String name, byte[] content, long mtime)
            throws IOException {
        tar.file(name, name.startsWith("usr/bin") ? 0755 : 0644, content.length, mtime);
        tar.data(content, 0, content.length);
        tar.endFile();
        SampleFile f = new SampleFile(name, content.length, sha256(content, content.length));
        files.add(f);
        return f;
    }

    private void largeFile(TarStreamWriter tar, List<SampleFile> files, String name, SplittableRandom random)
            throws IOException {
        tar.directory("var/lib/data", 1_700_000_000L);
        tar.file(name, 0644, largeFileBytes, 1_700_000_000L);
        MessageDigest md = newSha256();
        byte[] chunk = new byte[1 << 20];
        long left = largeFileBytes;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            fillRandom(random, chunk, n);
            md.update(chunk, 0, n);
            tar.data(chunk, 0, n);
            left -= n;
        }
        tar.endFile();
        files.add(new SampleFile(name, largeFileBytes, HexFormat.of().formatHex(md.digest())));
    }

    private static byte[] text(SplittableRandom random, int size) {
        StringBuilder sb = new StringBuilder(size + 16);
        while (sb.length() < size) {
            sb.append(WORDS[random.nextInt(WORDS.length)]);
            sb.append(random.nextInt(12) == 0 ? ";\n" : " ");
        }
        return sb.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] binary(SplittableRandom random, int size) {
        byte[] b = new byte[size];
        fillRandom(random, b, size);
        // every other 4 KiB page is a repeated pattern, like code and tables next to data
        for (int page = 0; page < size; page += 8192) {
            for (int i = page; i < Math.min(page + 4096, size); i++) b[i] = (byte) (i * 7 >>> 3);
        }
        return b;
    }

    private static void fillRandom(SplittableRandom random, byte[] b, int n) {
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long v = random.nextLong();
            for (int k = 0; k < 8; k++) b[i + k] = (byte) (v >>> (8 * k));
        }
        for (; i < n; i++) b[i] = (byte) random.nextInt();
    }

    static String sha256(byte[] b, int len) {
        MessageDigest md = newSha256();
        md.update(b, 0, len);
        return HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    /** gzip at level 1: the demo is about reading, not about squeezing the sample. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }
}
