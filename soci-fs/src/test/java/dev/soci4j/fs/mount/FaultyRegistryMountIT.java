package dev.soci4j.fs.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.fs.FuseTesting;
import dev.soci4j.index.BuildOptions;
import dev.soci4j.index.ConvertRequest;
import dev.soci4j.index.SociConverter;
import dev.soci4j.index.store.IndexStore;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.http.RetryPolicy;
import dev.soci4j.oci.testing.FakeRegistry;
import dev.soci4j.oci.testing.LocalRegistry;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mount through an in-process proxy in front of the real registry that can answer blob Range
 * requests with wrong bytes, 503s or connection resets: reads fail with EIO, never wrong data, and
 * succeed once the registry behaves again.
 */
@Tag("fuse")
@Tag("registry")
@ExtendWith(SeededRandom.class)
class FaultyRegistryMountIT {
    enum Fault { NONE, WRONG_BYTES, UNAVAILABLE, RESET }

    @TempDir
    Path tmp;

    private volatile Fault fault = Fault.NONE;

    @Test
    @Timeout(120)
    void faultsGiveEioNeverWrongBytes(Random random) throws Exception {
        FuseTesting.assumeFuse();
        Path dir = Files.createDirectories(tmp.resolve("image"));
        byte[] big = new byte[800_000];
        random.nextBytes(big);
        Files.write(dir.resolve("big.bin"), big);
        Path tar = tmp.resolve("layer.tar");
        FuseTesting.run(List.of("tar", "-c", "--format=pax", "-f", tar.toString(), "-C", dir.toString(), "."));
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Path state = tmp.resolve("state");
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        try (LocalRegistry registry = LocalRegistry.start(tmp.resolve("reg"));
             FakeRegistry proxy = new FakeRegistry((ex, reply) -> forward(http, registry.address(), ex, reply));
             RegistryClient client = RegistryClient.builder()
                     .retryPolicy(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50))).build()) {
            ImageReference src = ImageReference.parse(registry.address() + "/fs/app:v1");
            ImageMountIT.push(client, src, List.of(tar));
            new SociConverter(client, IndexStore.open(tmp.resolve("store")), null).convert(
                    ConvertRequest.of(src.toString(), registry.address() + "/fs/app:soci")
                            .withBuild(BuildOptions.DEFAULT.withMinLayerSize(50_000).withSpanSize(64 << 10)));
            MountOptions options = new MountOptions(state, ImageMountIT.AMD64, null, false, false, 1L << 30, 2);
            try (ImageMount mount = ImageMount.mount(client, ImageReference.parse(proxy.address() + "/fs/app:soci"), mnt, options)) {
                Path file = mnt.resolve("big.bin");
                for (Fault f : List.of(Fault.WRONG_BYTES, Fault.UNAVAILABLE, Fault.RESET)) {
                    fault = f;
                    assertThatThrownBy(() -> Files.readAllBytes(file)).as(f.name()).isInstanceOf(IOException.class);
                }
                fault = Fault.NONE;
                assertThat(Files.readAllBytes(file)).isEqualTo(big);
                assertThat(mount.layers().getFirst().stats().fetchFailures.get()).isGreaterThanOrEqualTo(3);
            }
        } finally {
            FuseTesting.unmountAll(mnt);
            FuseTesting.unmountAll(MountState.layerRoots(state).toArray(Path[]::new));
        }
    }

    /** Forwards one request to the registry; blob Range answers get the current fault. */
    private void forward(HttpClient http, String upstream, FakeRegistry.Exchange ex, FakeRegistry.Reply reply)
            throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://" + upstream + ex.path()))
                .method(ex.method(), ex.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(ex.body()));
        for (String h : List.of("range", "accept", "content-type")) {
            if (ex.headers().containsKey(h)) req.header(h, ex.headers().get(h));
        }
        HttpResponse<byte[]> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        Map<String, String> headers = new TreeMap<>();
        resp.headers().map().forEach((k, v) -> {
            if (!k.equalsIgnoreCase("content-length") && !k.equalsIgnoreCase("connection") && !k.startsWith(":"))
                headers.put(k, v.getFirst());
        });
        byte[] body = resp.body();
        boolean blobRange = ex.path().contains("/blobs/") && ex.headers().containsKey("range") && resp.statusCode() == 206;
        Fault f = blobRange ? fault : Fault.NONE;
        switch (f) {
            case NONE -> reply.send(resp.statusCode(), headers, body);
            case WRONG_BYTES -> {
                body[body.length / 2] ^= 0x01;
                reply.send(resp.statusCode(), headers, body);
            }
            case UNAVAILABLE -> reply.send(503, Map.of(), new byte[0]);
            case RESET -> reply.sendThenReset(resp.statusCode(), headers, body, body.length / 2);
        }
    }
}
