package dev.soci4j.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci4j.cli.Soci;
import dev.soci4j.fs.fuse.KernelMounts;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.testing.LocalRegistry;
import dev.soci4j.ztoc.testing.SeededRandom;
import dev.soci4j.ztoc.testing.RandomLayer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code soci mount} (with {@code --metrics-address}), {@code soci mount --stats} and {@code soci umount}
 * against the real registry, as root.
 */
@Tag("fuse")
@Tag("registry")
@ExtendWith(SeededRandom.class)
class MountCommandIT {
    @TempDir
    Path tmp;

    @Test
    @Timeout(120)
    void mountsReadsReportsAndUnmounts(Random random) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting needs root");
        assumeTrue(Files.exists(Path.of("/dev/fuse")), "/dev/fuse is missing");
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Path state = tmp.resolve("state");
        try (LocalRegistry registry = LocalRegistry.start(tmp.resolve("registry"));
             RegistryClient client = RegistryClient.builder().build()) {
            ImageFixture.Image image = ImageFixture.writeConverted(client, registry.address(), random, tmp);

            String metricsAddress = "127.0.0.1:" + freePort();
            CompletableFuture<Soci.Run> mount = CompletableFuture.supplyAsync(() -> Soci.run("mount",
                    registry.address() + "/app:soci", mnt.toString(), "--plain-http", "--platform", "linux/amd64",
                    "--background-fetch", "off", "--state-dir", state.toString(), "--metrics-address", metricsAddress));
            while (!KernelMounts.isMounted(mnt) && !mount.isDone()) Thread.sleep(50);
            assertThat(mount.isDone()).as(() -> mount.join().toString()).isFalse();
            Map<String, Double> before = scrape(metricsAddress);

            RandomLayer.Entry file = image.bigLayers().getFirst().someFile();
            String path = dev.soci4j.ztoc.TocPaths.clean(file.name());
            assertThat(Files.readAllBytes(mnt.resolve(path))).isEqualTo(file.content());
            Map<String, Double> after = scrape(metricsAddress);
            // the lazy layers' series, summed: the file read is in one of them
            for (String series : List.of("soci_fuse_operation_seconds_count{op=\"read\"", "soci_fuse_operation_seconds_sum{op=\"read\"",
                    "soci_fuse_operation_seconds_count{op=\"lookup\"", "soci_layer_bytes_served_total{", "soci_layer_bytes_fetched_total{",
                    "soci_layer_spans_fetched_total{mode=\"on_demand\""))
                assertThat(lazySum(after, series)).as(series).isGreaterThan(lazySum(before, series));
            assertThat(lazySum(after, "soci_layer_bytes_served_total{") - lazySum(before, "soci_layer_bytes_served_total{"))
                    .isGreaterThanOrEqualTo(file.content().length);
            assertThat(lazySum(after, "soci_layer_spans_fetched_total{mode=\"background\"")).isZero();
            assertThat(lazySum(after, "soci_layer_fetch_failures_total{")).isZero();
            assertThat(after.keySet()).anyMatch(k -> k.startsWith("soci_layer_cache_hits_total{"));
            Thread.sleep(1500); // the stats file is refreshed every second
            Soci.Run stats = Soci.run("mount", "--stats", mnt.toString(), "--state-dir", state.toString());
            assertThat(stats.exitCode()).as(stats.toString()).isZero();
            assertThat(stats.stdout()).contains("layer=0", "lazy=true", "bytes_fetched=");

            Soci.Run umount = Soci.run("umount", mnt.toString(), "--state-dir", state.toString());
            assertThat(umount.exitCode()).as(umount.toString()).isZero();
            assertThat(mount.get(30, java.util.concurrent.TimeUnit.SECONDS).exitCode()).isZero();
            assertThat(KernelMounts.isMounted(mnt)).isFalse();
        } finally {
            KernelMounts.unmount(mnt);
            for (Path root : dev.soci4j.fs.mount.MountState.layerRoots(dev.soci4j.fs.mount.MountState.dirFor(state, mnt)))
                KernelMounts.unmount(root);
        }
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * The sum of the samples of lazy layers whose name is {@code series}'s up to the brace and whose
     * labels include the ones after it ({@code name{a="b"}: name{layer=..,a="b",..}).
     */
    private static double lazySum(Map<String, Double> samples, String series) {
        int brace = series.indexOf('{');
        String name = series.substring(0, brace + 1);
        String label = series.substring(brace + 1);
        return samples.entrySet().stream()
                .filter(e -> e.getKey().startsWith(name) && e.getKey().contains("lazy=\"true\"") && e.getKey().contains(label))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /** GET /metrics, checked for the Prometheus text content type, as {@code name{labels}} to value. */
    private static Map<String, Double> scrape(String address) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
            Map<String, Double> samples = new HashMap<>();
            for (String line : r.body().split("\n")) {
                if (line.isEmpty() || line.startsWith("#")) continue;
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
            return samples;
        }
    }
}
