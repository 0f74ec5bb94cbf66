package dev.soci4j.cli.demo;

import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.layout.OciLayoutDirectory;
import dev.soci4j.oci.manifest.ImageManifest;
import dev.soci4j.oci.manifest.RawManifest;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the demo's sample image into an OCI layout: three gzip layers shaped like a web server image
 * (a base system of many small files, an application layer of binaries and libraries, and a data layer
 * with one large file, like the 1 GiB file of the original Fargate experiment), an image config and a
 * manifest under a tag. Deterministic for a given seed; records each file's sha256 so reads through the
 * SOCI index can be checked. Layers are written in parallel, straight into the layout's blob folder.
 */
public final class SampleImage {
    /** A file of the sample image and the sha256 of its content. */
    public record SampleFile(String path, long size, String sha256) {
    }

    /** A written layer. */
    public record Layer(Descriptor descriptor, String diffId, long uncompressedSize, List<SampleFile> files) {
    }

    /** What was written. {@code startupFiles} are the few files the server opens when it starts. */
    public record Written(Descriptor manifest, List<Layer> layers, List<SampleFile> startupFiles) {
        public long compressedSize() {
            return layers.stream().mapToLong(l -> l.descriptor().size()).sum();
        }

        public long uncompressedSize() {
            return layers.stream().mapToLong(Layer::uncompressedSize).sum();
        }

        public int fileCount() {
            return layers.stream().mapToInt(l -> l.files().size()).sum();
        }
    }

    private static final long MTIME = 1_700_000_000L;
    private static final String[] WORDS = ("server listen worker connections include mime types default "
            + "application octet stream sendfile tcp nopush keepalive timeout gzip access log error location "
            + "root index html proxy pass header host remote addr upstream cache valid expires charset utf "
            + "events http user daemon pid module load ssl certificate protocols ciphers prefer session").split(" ");
    /** The files a server of this image reads at start-up, in the order it opens them. */
    public static final List<String> STARTUP_FILES = List.of(
            "usr/sbin/nginx", "usr/lib/libssl.so.3", "etc/nginx/nginx.conf", "etc/nginx/mime.types",
            "usr/share/nginx/html/index.html");

    private final long largeFileBytes;
    private final long seed;

    /** @param largeFileBytes size of the data layer's one large file; the rest is about 90 MiB */
    public SampleImage(long largeFileBytes, long seed) {
        if (largeFileBytes < 0) throw new IllegalArgumentException("negative size " + largeFileBytes);
        this.largeFileBytes = largeFileBytes;
        this.seed = seed;
    }

    /** Writes the image into {@code layout} under {@code tag}. */
    public Written write(OciLayoutDirectory layout, String tag) throws IOException {
        List<Layer> layers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()))) {
            List<Future<Layer>> futures = List.of(
                    pool.submit(() -> writeLayer(layout, this::base, seed)),
                    pool.submit(() -> writeLayer(layout, this::app, seed + 1)),
                    pool.submit(() -> writeLayer(layout, this::data, seed + 2)));
            for (Future<Layer> f : futures) layers.add(f.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing the sample image", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IllegalStateException(e.getCause());
        }
        byte[] config = config(layers);
        Descriptor configDescriptor = Descriptor.of(MediaTypes.OCI_CONFIG, config);
        writeBlob(layout, config);
        ImageManifest manifest = ImageManifest.of(configDescriptor, layers.stream().map(Layer::descriptor).toList());
        RawManifest raw = RawManifest.of(manifest);
        layout.putManifest(raw, tag);
        List<SampleFile> startup = new ArrayList<>();
        for (String path : STARTUP_FILES) {
            layers.stream().flatMap(l -> l.files().stream()).filter(f -> f.path().equals(path)).findFirst()
                    .ifPresent(startup::add);
        }
        return new Written(raw.descriptor(), List.copyOf(layers), List.copyOf(startup));
    }

    @FunctionalInterface
    private interface Content {
        void write(TarStreamWriter tar, List<SampleFile> files, SplittableRandom random) throws IOException;
    }

    /** The base system: directories and many small text files, like /etc and /usr/share/doc. */
    private void base(TarStreamWriter tar, List<SampleFile> files, SplittableRandom random) throws IOException {
        for (String dir : List.of("etc", "etc/nginx", "etc/nginx/conf.d", "usr", "usr/bin", "usr/sbin", "usr/lib",
                "usr/share", "usr/share/doc", "var", "var/lib", "var/log")) {
            tar.directory(dir, MTIME);
        }
        file(tar, files, "etc/nginx/nginx.conf", text(random, 2_600));
        file(tar, files, "etc/nginx/mime.types", text(random, 5_200));
        for (int i = 0; i < 2_500; i++) {
            if (i % 10 == 0) tar.directory("usr/share/doc/pkg%04d".formatted(i / 10), MTIME);
            String name = "usr/share/doc/pkg%04d/%s".formatted(i / 10, i % 10 == 0 ? "copyright" : "changelog." + i);
            file(tar, files, name, text(random, 2_000 + random.nextInt(14_000)));
        }
        for (int i = 0; i < 40; i++) {
            file(tar, files, "usr/bin/util" + i, binary(random, 50_000 + random.nextInt(400_000)));
        }
    }

    /** The application: the server binary and its libraries, half structure and half noise. */
    private void app(TarStreamWriter tar, List<SampleFile> files, SplittableRandom random) throws IOException {
        for (String dir : List.of("usr", "usr/sbin", "usr/lib", "usr/share", "usr/share/nginx")) tar.directory(dir, MTIME);
        file(tar, files, "usr/sbin/nginx", binary(random, 1_300_000));
        file(tar, files, "usr/lib/libssl.so.3", binary(random, 700_000));
        for (int i = 0; i < 80; i++) {
            file(tar, files, "usr/lib/libsample%d.so.1".formatted(i), binary(random, 100_000 + random.nextInt(900_000)));
        }
        tar.symlink("usr/lib/libssl.so", "libssl.so.3", MTIME);
    }

    /** The data: a page to serve and one large random file that a start never reads. */
    private void data(TarStreamWriter tar, List<SampleFile> files, SplittableRandom random) throws IOException {
        for (String dir : List.of("usr", "usr/share", "usr/share/nginx", "usr/share/nginx/html")) tar.directory(dir, MTIME);
        file(tar, files, "usr/share/nginx/html/index.html",
                "<!DOCTYPE html><html><body><h1>Hello from soci4j</h1></body></html>\n".getBytes(StandardCharsets.US_ASCII));
        String name = "usr/share/nginx/html/random.bin";
        tar.file(name, 0644, largeFileBytes, MTIME);
        MessageDigest md = sha256();
        byte[] chunk = new byte[1 << 20];
        for (long left = largeFileBytes; left > 0; ) {
            int n = (int) Math.min(chunk.length, left);
            fillRandom(random, chunk, n);
            md.update(chunk, 0, n);
            tar.data(chunk, 0, n);
            left -= n;
        }
        tar.endFile();
        files.add(new SampleFile(name, largeFileBytes, HexFormat.of().formatHex(md.digest())));
    }

    private static Layer writeLayer(OciLayoutDirectory layout, Content content, long seed) throws IOException {
        Path dir = layout.root().resolve("blobs").resolve(Digest.ALGORITHM);
        Path tmp = Files.createTempFile(dir, ".layer-", ".part");
        try {
            List<SampleFile> files = new ArrayList<>();
            MessageDigest compressed = sha256();
            MessageDigest uncompressed = sha256();
            CountingStream counted;
            try (OutputStream raw = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20), compressed);
                 GZIPOutputStream gzip = new FastGzip(raw);
                 CountingStream c = new CountingStream(new DigestOutputStream(gzip, uncompressed));
                 TarStreamWriter tar = new TarStreamWriter(new BufferedOutputStream(c, 1 << 20))) {
                counted = c;
                content.write(tar, files, new SplittableRandom(seed));
            }
            Digest digest = new Digest(HexFormat.of().formatHex(compressed.digest()));
            Files.move(tmp, layout.blobPath(digest), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            var descriptor = new Descriptor(MediaTypes.OCI_LAYER_GZIP, digest, Files.size(layout.blobPath(digest)));
            return new Layer(descriptor, "sha256:" + HexFormat.of().formatHex(uncompressed.digest()), counted.count, List.copyOf(files));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static byte[] config(List<Layer> layers) {
        StringBuilder diffIds = new StringBuilder();
        for (Layer l : layers) diffIds.append(diffIds.isEmpty() ? "" : ",").append('"').append(l.diffId()).append('"');
        return ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Entrypoint\":[\"/usr/sbin/nginx\",\"-g\","
                + "\"daemon off;\"],\"Env\":[\"PATH=/usr/sbin:/usr/bin\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                + diffIds + "]},\"history\":[{\"created_by\":\"soci4j demo: base\"},{\"created_by\":\"soci4j demo: app\"},"
                + "{\"created_by\":\"soci4j demo: data\"}]}").getBytes(StandardCharsets.UTF_8);
    }

    private static void writeBlob(OciLayoutDirectory layout, byte[] bytes) throws IOException {
        Path target = layout.blobPath(Digest.of(bytes));
        if (!Files.exists(target)) {
            Path tmp = Files.createTempFile(target.getParent(), ".blob-", ".part");
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static void file(TarStreamWriter tar, List<SampleFile> files, String name, byte[] content) throws IOException {
        tar.file(name, name.contains("bin/") ? 0755 : 0644, content.length, MTIME);
        tar.data(content, 0, content.length);
        tar.endFile();
        MessageDigest md = sha256();
        md.update(content);
        files.add(new SampleFile(name, content.length, HexFormat.of().formatHex(md.digest())));
    }

    private static byte[] text(SplittableRandom random, int size) {
        StringBuilder sb = new StringBuilder(size + 16);
        while (sb.length() < size) {
            sb.append(WORDS[random.nextInt(WORDS.length)]).append(random.nextInt(12) == 0 ? ";\n" : " ");
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

    static MessageDigest sha256() {
        return Digest.newHasher();
    }

    /** gzip at level 1: the demo is about reading, not about squeezing the sample. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }

    private static final class CountingStream extends java.io.FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }
    }
}
