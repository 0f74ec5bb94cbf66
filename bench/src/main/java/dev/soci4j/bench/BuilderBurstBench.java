package dev.soci4j.bench;

import dev.soci4j.builder.BuilderConfig;
import dev.soci4j.builder.BuilderService;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.auth.CredentialSource;
import dev.soci4j.oci.manifest.ImageManifest;
import dev.soci4j.oci.manifest.RawManifest;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.zip.GZIPOutputStream;

/**
 * Benchmark of issue 5 ({@code bench/builder-burst.sh}): a burst of EVENTS distribution push events
 * for IMAGES distinct images (the same digests pushed again and again: duplicates) sent to the builder
 * by CONCURRENCY senders, one event per request as distribution sends them. Prints the time from the
 * first event until every image's {@code -soci} tag exists, and the accepted-event latency (202) p50/p99.
 *
 * <p>Usage: {@code BuilderBurstBench REGISTRY(host:port) WORKDIR [events=200] [images=20] [concurrency=16] [layerKiB=1024] [workers=2]}
 */
public final class BuilderBurstBench {
    static final String SECRET = "bench-secret-0123456789";

    public static void main(String[] args) throws Exception {
        String registry = args[0];
        Path work = Path.of(args[1]);
        int events = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int images = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        int concurrency = args.length > 4 ? Integer.parseInt(args[4]) : 16;
        int layerKiB = args.length > 5 ? Integer.parseInt(args[5]) : 1024;
        int workers = args.length > 6 ? Integer.parseInt(args[6]) : 2;
        Random random = new Random(5);

        List<Digest> digests = new ArrayList<>();
        try (RegistryClient client = RegistryClient.builder().build()) {
            for (int i = 0; i < images; i++) digests.add(pushImage(client, ImageReference.parse(registry + "/burst/app" + i + ":v1"), random, layerKiB));
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        BuilderConfig config = BuilderConfig.parse("""
                server: {listen: "127.0.0.1:%d"}
                auth: {secret: %s}
                build: {minLayerSize: 0}
                queue: {dir: %s, workers: %d}
                """.formatted(port, SECRET, work.resolve("builder"), workers), work);
        List<String> bodies = new ArrayList<>();
        for (int e = 0; e < events; e++) {
            int i = e % images;
            bodies.add("""
                    {"events":[{"action":"push","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s",
                     "repository":"burst/app%d","tag":"v1"},"request":{"host":"%s"}}]}""".formatted(digests.get(i), i, registry));
        }
        Collections.shuffle(bodies, random);

        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        HttpClient http = HttpClient.newHttpClient();
        long start;
        long accepted;
        long done;
        try (BuilderService service = BuilderService.start(config, CredentialSource.ANONYMOUS, true);
             RegistryClient client = RegistryClient.builder().build()) {
            Semaphore senders = new Semaphore(concurrency);
            start = System.nanoTime();
            try (var exec = Executors.newVirtualThreadPerTaskExecutor()) {
                for (String body : bodies) {
                    senders.acquire();
                    exec.submit(() -> {
                        try {
                            long t = System.nanoTime();
                            int status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                                    .header(BuilderConfig.Auth.DEFAULT_SECRET_HEADER, SECRET)
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                            if (status != 202) throw new IllegalStateException("event answered " + status);
                            latencies.add(System.nanoTime() - t);
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        } finally {
                            senders.release();
                        }
                        return null;
                    });
                }
            }
            accepted = System.nanoTime();
            for (int i = 0; i < images; i++) {
                ImageReference tag = ImageReference.parse(registry + "/burst/app" + i + ":v1-soci");
                while (client.headManifest(tag).isEmpty()) Thread.sleep(20);
            }
            done = System.nanoTime();
            System.out.printf("builds ok: %d, failed: %d, duplicates dropped: %d%n", service.metrics().builds("ok"),
                    service.metrics().builds("failed"), events - service.metrics().accepted());
        }
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("events: %d for %d images (one linux/amd64 manifest, one %d KiB layer each), %d senders, %d workers%n", events, images, layerKiB, concurrency, workers);
        System.out.printf("all events accepted after: %d ms%n", (accepted - start) / 1_000_000);
        System.out.printf("all images indexed after:  %d ms%n", (done - start) / 1_000_000);
        System.out.printf("accepted-event latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                pct(sorted, 50), pct(sorted, 99), sorted.getLast() / 1e6);
    }

    static double pct(List<Long> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, i)) / 1e6;
    }

    /** A single-platform manifest with one gzip layer: a ustar of random files totalling about {@code kib} KiB. */
    static Digest pushImage(RegistryClient client, ImageReference ref, Random random, int kib) throws Exception {
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = gzip(tar(random, Math.max(1, kib / 64), 64 * 1024));
        client.pushBlob(ref, config);
        client.pushBlob(ref, layer);
        RawManifest m = RawManifest.of(ImageManifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, config),
                List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer))));
        client.pushManifest(ref, m);
        return m.digest();
    }

    static byte[] tar(Random random, int files, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < files; i++) {
            byte[] content = new byte[size];
            random.nextBytes(content);
            byte[] h = new byte[512];
            put(h, 0, "data/f" + i);
            put(h, 100, "0000644");
            put(h, 108, "0000000");
            put(h, 116, "0000000");
            put(h, 124, String.format("%011o", content.length));
            put(h, 136, String.format("%011o", 1_700_000_000L));
            h[156] = '0';
            put(h, 257, "ustar");
            put(h, 263, "00");
            for (int k = 148; k < 156; k++) h[k] = ' ';
            int sum = 0;
            for (byte b : h) sum += b & 0xff;
            put(h, 148, String.format("%06o", sum));
            h[154] = 0;
            out.writeBytes(h);
            out.writeBytes(content);
            out.writeBytes(new byte[(512 - content.length % 512) % 512]);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    static byte[] gzip(byte[] data) throws java.io.IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
