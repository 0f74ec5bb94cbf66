package dev.soci4j.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.index.store.IndexStore;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.DigestMismatchException;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.ManifestNotFoundException;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.layout.OciLayoutDirectory;
import dev.soci4j.oci.manifest.RawManifest;
import dev.soci4j.oci.testing.LocalRegistry;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Converts to another registry or layout read each layer from the source once, uploading it while
 * it is indexed, and a failure of either side leaves the destination without the tag and without a
 * partial or unverified blob.
 */
@Tag("registry")
@ExtendWith(SeededRandom.class)
class StreamingConvertIT {
    /** One layer larger than a streamed-upload chunk, so it goes up as PATCHes plus a closing PUT. */
    static TestLayers.Image image(Random random) throws Exception {
        TestLayers.Layer big = TestLayers.layer(random, "big", 60, 1_000_000, false, false, true);
        assertThat(big.blob().length).as("big layer spans chunks").isGreaterThan(RegistryClient.STREAM_CHUNK_BYTES);
        return TestLayers.image(ConvertIT.AMD64, List.of(
                TestLayers.layer(random, "base", 30, 20_000, false, false, true),
                TestLayers.layer(random, "tiny", 1, 100, false, false, true),
                big,
                TestLayers.layer(random, "app", 20, 30_000, true, false, true)), false);
    }

    static OciLayoutDirectory layout(Path dir, TestLayers.Image image, String tag) throws Exception {
        OciLayoutDirectory layout = OciLayoutDirectory.open(dir);
        Path tmp = Files.createTempDirectory("layout-blobs");
        layout.putBlob(Descriptor.of(MediaTypes.OCI_CONFIG, image.config()), Files.write(tmp.resolve("c"), image.config()));
        for (TestLayers.Layer l : image.layers()) layout.putBlob(l.descriptor(), Files.write(tmp.resolve(l.descriptor().digest().hex()), l.blob()));
        layout.putManifest(image.manifest(), tag);
        return layout;
    }

    /** Blob GETs per layer digest in {@code repository}, once every earlier event has arrived (events are delivered in order). */
    static Map<String, Long> layerGets(RegistryEvents events, RegistryClient client, ImageReference repo, TestLayers.Image image) throws Exception {
        byte[] sentinel = ("sentinel " + System.nanoTime()).getBytes();
        client.pushBlob(repo, sentinel);
        String sentinelDigest = dev.soci4j.oci.Digest.of(sentinel).toString();
        List<RegistryEvents.Event> log = events.awaitEvent(e -> e.action().equals("push") && e.digest().equals(sentinelDigest));
        List<String> layers = image.layers().stream().map(l -> l.descriptor().digest().toString()).toList();
        Map<String, Long> gets = log.stream()
                .filter(e -> e.action().equals("pull") && e.method().equals("GET") && e.repository().equals(repo.repository()) && layers.contains(e.digest()))
                .collect(Collectors.groupingBy(RegistryEvents.Event::digest, Collectors.counting()));
        layers.forEach(d -> gets.putIfAbsent(d, 0L));
        return gets;
    }

    static Path uploads(LocalRegistry registry, String repository) {
        return registry.storage().resolve("docker/registry/v2/repositories").resolve(repository).resolve("_uploads");
    }

    static List<Path> listOrEmpty(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    static List<String> sessionFiles(Path uploads) throws Exception {
        if (!Files.isDirectory(uploads)) return List.of();
        try (Stream<Path> s = Files.walk(uploads)) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void crossRegistryConvertReadsEachLayerOnceAndPushesManifestsAfterBlobs(Random random, @TempDir Path dir) throws Exception {
        TestLayers.Image image = image(random);
        try (RegistryEvents srcEvents = new RegistryEvents(); RegistryEvents dstEvents = new RegistryEvents();
             LocalRegistry a = LocalRegistry.start(dir.resolve("a"), new LocalRegistry.Options(srcEvents.configSection(), null));
             LocalRegistry b = LocalRegistry.start(dir.resolve("b"), new LocalRegistry.Options(dstEvents.configSection(), null));
             RegistryClient client = ConvertIT.client(a)) {
            ImageReference src = ImageReference.parse(a.address() + "/src/app:v1");
            TestLayers.push(client, src, image, "v1");
            ImageReference dst = ImageReference.parse(b.address() + "/dst/app:soci");

            ConvertResult result = new SociConverter(client, IndexStore.open(dir.resolve("store")), null)
                    .convert(ConvertRequest.of(src.toString(), dst.toString()).withBuild(ConvertIT.OPTIONS));

            RawManifest index = client.pullManifest(dst);
            assertThat(index.descriptor()).isEqualTo(result.index());
            ConvertIT.assertConverted(index, List.of(image), List.of(true), d -> ConvertIT.pull(client, dst.withDigest(d)),
                    d -> ConvertIT.bytes(client, dst, d), ConvertIT.OPTIONS.minLayerSizeBytes());
            for (TestLayers.Layer l : image.layers())
                assertThat(client.pullBlobBytes(dst, l.descriptor())).isEqualTo(l.blob());
            // each layer, indexed or skipped, left the source once
            assertThat(layerGets(srcEvents, client, src, image)).allSatisfy((digest, gets) -> assertThat(gets).as(digest).isEqualTo(1L));
            // at the destination, every blob (layers uploaded while indexing included) before the first manifest
            List<RegistryEvents.Event> pushed = dstEvents.awaitEvent(e -> e.action().equals("push") && e.tag().equals("soci")).stream()
                    .filter(e -> e.action().equals("push") && e.repository().equals("dst/app")).toList();
            int firstManifest = -1;
            for (int i = 0; i < pushed.size() && firstManifest < 0; i++)
                if (MediaTypes.isManifest(pushed.get(i).mediaType()) || MediaTypes.isIndex(pushed.get(i).mediaType())) firstManifest = i;
            assertThat(pushed.subList(firstManifest, pushed.size())).allSatisfy(e ->
                    assertThat(MediaTypes.isManifest(e.mediaType()) || MediaTypes.isIndex(e.mediaType())).as("%s pushed after a manifest", e.digest()).isTrue());
            assertThat(pushed.getLast().tag()).isEqualTo("soci");
            assertThat(listOrEmpty(uploads(b, "dst/app"))).as("no upload session left").isEmpty();
        }
    }

    @Test
    void layoutDestinationGetsEachLayerStreamedOnce(Random random, @TempDir Path dir) throws Exception {
        TestLayers.Image image = image(random);
        try (RegistryEvents events = new RegistryEvents();
             LocalRegistry a = LocalRegistry.start(dir.resolve("a"), new LocalRegistry.Options(events.configSection(), null));
             RegistryClient client = ConvertIT.client(a)) {
            ImageReference src = ImageReference.parse(a.address() + "/src/app:v1");
            TestLayers.push(client, src, image, "v1");
            Path out = dir.resolve("out");

            ConvertResult result = new SociConverter(client, IndexStore.open(dir.resolve("store")), null)
                    .convert(ConvertRequest.of(src.toString(), "oci:" + out + ":soci").withBuild(ConvertIT.OPTIONS));

            OciLayoutDirectory layout = OciLayoutDirectory.open(out);
            RawManifest index = layout.manifest("soci");
            assertThat(index.descriptor()).isEqualTo(result.index());
            ConvertIT.assertConverted(index, List.of(image), List.of(true), d -> ConvertIT.manifest(layout, d), d -> ConvertIT.read(layout, d),
                    ConvertIT.OPTIONS.minLayerSizeBytes());
            for (TestLayers.Layer l : image.layers())
                assertThat(Files.readAllBytes(layout.blobPath(l.descriptor().digest()))).isEqualTo(l.blob());
            assertThat(layerGets(events, client, src, image)).allSatisfy((digest, gets) -> assertThat(gets).as(digest).isEqualTo(1L));
            assertThat(listOrEmpty(out.resolve("blobs/sha256")).stream().map(p -> p.getFileName().toString()))
                    .as("no part files left").noneMatch(n -> n.startsWith("."));
        }
    }

    @Test
    void sourceCorruptionFoundAtTheEndOfTheStreamPublishesNothing(Random random, @TempDir Path dir) throws Exception {
        TestLayers.Image image = image(random);
        OciLayoutDirectory source = layout(dir.resolve("src"), image, "v1");
        // flip a byte of the big layer's gzip MTIME: the layer still inflates and indexes to its end,
        // so only the digest check at the end of the stream can tell, after every byte was uploaded
        TestLayers.Layer big = image.layers().get(2);
        Path file = source.blobPath(big.descriptor().digest());
        byte[] bytes = Files.readAllBytes(file);
        bytes[4] ^= 0x5a;
        Files.write(file, bytes);
        try (LocalRegistry b = LocalRegistry.start(dir.resolve("b")); RegistryClient client = ConvertIT.client(b)) {
            ImageReference dst = ImageReference.parse(b.address() + "/dst/app:soci");
            SociConverter converter = new SociConverter(client, IndexStore.open(dir.resolve("store")), null);

            assertThatThrownBy(() -> converter.convert(ConvertRequest.of("oci:" + source.root() + ":v1", dst.toString()).withBuild(ConvertIT.OPTIONS)))
                    .isInstanceOf(LayerIndexException.class).hasMessageContaining(big.descriptor().digest().toString())
                    .hasRootCauseInstanceOf(DigestMismatchException.class);

            assertThatThrownBy(() -> client.pullManifest(dst)).isInstanceOf(ManifestNotFoundException.class);
            assertThat(client.blobSize(dst, big.descriptor().digest())).as("corrupt layer not published").isEmpty();
            // cancelled: distribution drops the session's data and start time (its deferred Close then writes
            // an empty hashstates/sha256/0 into the removed session's directory, a registry quirk)
            assertThat(sessionFiles(uploads(b, "dst/app"))).as("the upload session was cancelled").noneMatch(n -> n.equals("data") || n.equals("startedat"));

            // the same to a layout: no blob, no part file, no tag
            Path out = dir.resolve("out");
            assertThatThrownBy(() -> converter.convert(ConvertRequest.of("oci:" + source.root() + ":v1", "oci:" + out + ":soci")
                    .withBuild(ConvertIT.OPTIONS.withForce(true)))).isInstanceOf(LayerIndexException.class);
            OciLayoutDirectory layout = OciLayoutDirectory.open(out);
            assertThat(Files.exists(layout.blobPath(big.descriptor().digest()))).isFalse();
            assertThat(listOrEmpty(out.resolve("blobs/sha256")).stream().map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
            assertThat(layout.index().manifests()).isEmpty();
        }
    }

    @Test
    void uploadCutMidStreamLeavesNoTagAndOnlyCompleteBlobs(Random random, @TempDir Path dir) throws Exception {
        TestLayers.Image image = image(random);
        try (LocalRegistry a = LocalRegistry.start(dir.resolve("a"));
             LocalRegistry b = LocalRegistry.start(dir.resolve("b"));
             CuttingProxy proxy = new CuttingProxy(b.port(), 3L << 20); // cut inside the big layer's first chunk
             RegistryClient client = RegistryClient.builder().retryPolicy(new dev.soci4j.oci.http.RetryPolicy(2,
                     java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(20))).build()) {
            ImageReference src = ImageReference.parse(a.address() + "/src/app:v1");
            TestLayers.push(client, src, image, "v1");
            ImageReference viaProxy = ImageReference.parse(proxy.address() + "/dst/app:soci");
            SociConverter converter = new SociConverter(client, IndexStore.open(dir.resolve("store")), null);

            assertThatThrownBy(() -> converter.convert(ConvertRequest.of(src.toString(), viaProxy.toString()).withBuild(ConvertIT.OPTIONS)))
                    .isInstanceOf(java.io.IOException.class);
            assertThat(proxy.wasCut()).isTrue();

            // on the registry itself: no tag, no manifest, the big layer absent, any blob present complete and right
            ImageReference dst = ImageReference.parse(b.address() + "/dst/app:soci");
            assertThatThrownBy(() -> client.pullManifest(dst)).isInstanceOf(ManifestNotFoundException.class);
            assertThat(client.blobSize(dst, image.layers().get(2).descriptor().digest())).isEmpty();
            for (TestLayers.Layer l : image.layers())
                if (client.blobSize(dst, l.descriptor().digest()).isPresent())
                    assertThat(client.pullBlobBytes(dst, l.descriptor())).isEqualTo(l.blob());
        }
    }
}
