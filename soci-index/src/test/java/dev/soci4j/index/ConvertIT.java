package dev.soci4j.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soci4j.index.store.ArtifactType;
import dev.soci4j.index.store.IndexStore;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.ManifestNotFoundException;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.Platform;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.index.discovery.IndexDiscovery;
import dev.soci4j.oci.layout.OciLayoutDirectory;
import dev.soci4j.oci.layout.RegistryImageStore;
import dev.soci4j.oci.layout.OciLayoutTar;
import dev.soci4j.oci.manifest.ImageIndex;
import dev.soci4j.oci.manifest.ImageManifest;
import dev.soci4j.oci.manifest.ManifestJson;
import dev.soci4j.oci.manifest.RawManifest;
import dev.soci4j.oci.testing.LocalRegistry;
import dev.soci4j.ztoc.testing.SeededRandom;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.ZtocCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** soci convert (v2) against the real registry, OCI layouts and skopeo. */
@Tag("registry")
@ExtendWith(SeededRandom.class)
class ConvertIT {
    /** Test layers are ~100-600 KB; the tiny ones (< 50 KB) stand for layers under the minimum size. */
    static final BuildOptions OPTIONS = BuildOptions.DEFAULT.withMinLayerSize(50_000).withSpanSize(64 << 10);
    static final Path SKOPEO = Path.of("/usr/bin/skopeo");
    static final Platform AMD64 = Platform.parse("linux/amd64");
    static final Platform ARM64 = Platform.parse("linux/arm64/v8");

    static RegistryClient client(LocalRegistry registry) {
        return RegistryClient.builder().build(); // loopback registries speak plain HTTP by default
    }

    static TestLayers.Image amd64(Random random, boolean docker) throws Exception {
        return TestLayers.image(AMD64, List.of(
                TestLayers.layer(random, "base", 30, 20_000, false, false, true),
                TestLayers.layer(random, "tiny", 1, 100, false, false, true),
                TestLayers.layer(random, "app", 20, 30_000, true, false, true)), docker);
    }

    static TestLayers.Image arm64(Random random, boolean docker) throws Exception {
        return TestLayers.image(ARM64, List.of(
                TestLayers.layer(random, "base-arm", 25, 20_000, false, false, true),
                TestLayers.layer(random, "app-arm", 10, 30_000, false, true, true)), docker);
    }

    static void skopeo(String... args) throws Exception {
        assumeTrue(Files.isExecutable(SKOPEO), "needs skopeo (Debian package skopeo)");
        List<String> cmd = new java.util.ArrayList<>(List.of(SKOPEO.toString(), "--insecure-policy"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("%s:%n%s", cmd, out).isZero();
    }

    static Map<String, String> annotations(JsonNode node) {
        Map<String, String> out = new java.util.TreeMap<>();
        node.path("annotations").properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    /**
     * Checks every field soci-format.md §4 names on a converted image, for the given source images (in
     * index order; {@code indexed} says which were).
     */
    static void assertConverted(RawManifest index, List<TestLayers.Image> images, List<Boolean> indexed, java.util.function.Function<Digest, RawManifest> manifests,
                                java.util.function.Function<Descriptor, byte[]> blobs, long minLayerSize) throws Exception {
        assertThat(index.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
        JsonNode root = ManifestJson.MAPPER.readTree(index.bytes());
        assertThat(root.path("schemaVersion").asInt()).isEqualTo(2);
        assertThat(root.path("mediaType").asText()).isEqualTo(MediaTypes.OCI_INDEX);
        JsonNode children = root.path("manifests");
        long sociCount = indexed.stream().filter(b -> b).count();
        assertThat(children.size()).isEqualTo(images.size() + (int) sociCount);
        ImageIndex parsed = (ImageIndex) index.parse();
        int soci = images.size();
        for (int i = 0; i < images.size(); i++) {
            TestLayers.Image image = images.get(i);
            Descriptor child = parsed.manifests().get(i);
            assertThat(child.platform().normalized()).isEqualTo(image.platform().normalized());
            if (!indexed.get(i)) {
                assertThat(child.digest()).isEqualTo(image.manifest().digest());
                assertThat(child.annotations()).doesNotContainKey(SociAnnotations.INDEX_DIGEST);
                continue;
            }
            // the rewritten image manifest and its descriptor
            assertThat(child.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
            RawManifest rewritten = manifests.apply(child.digest());
            assertThat(rewritten.digest()).isEqualTo(child.digest());
            assertThat(child.size()).isEqualTo(rewritten.size());
            JsonNode m = ManifestJson.MAPPER.readTree(rewritten.bytes());
            assertThat(m.path("mediaType").asText()).isEqualTo(MediaTypes.OCI_MANIFEST);
            assertThat(m.path("config").path("mediaType").asText()).isEqualTo(MediaTypes.OCI_CONFIG);
            assertThat(m.path("config").path("digest").asText()).isEqualTo(Digest.of(image.config()).toString());
            ImageManifest original = (ImageManifest) image.manifest().parse();
            ImageManifest now = (ImageManifest) rewritten.parse();
            assertThat(now.layers()).as("layers untouched").isEqualTo(original.layers());
            Descriptor sociDesc = parsed.manifests().get(soci++);
            assertThat(now.annotations()).containsEntry(SociAnnotations.INDEX_DIGEST, sociDesc.digest().toString());
            assertThat(child.annotations()).containsEntry(SociAnnotations.INDEX_DIGEST, sociDesc.digest().toString());
            // the SOCI index descriptor
            assertThat(sociDesc.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
            assertThat(sociDesc.artifactType()).isEqualTo(MediaTypes.SOCI_INDEX_V2);
            assertThat(sociDesc.platform().normalized()).isEqualTo(image.platform().normalized());
            assertThat(sociDesc.annotations()).isEqualTo(Map.of(SociAnnotations.IMAGE_MANIFEST_DIGEST, child.digest().toString()));
            // the SOCI index manifest
            RawManifest sociRaw = manifests.apply(sociDesc.digest());
            assertThat(sociDesc.size()).isEqualTo(sociRaw.size());
            JsonNode s = ManifestJson.MAPPER.readTree(sociRaw.bytes());
            assertThat(s.path("schemaVersion").asInt()).isEqualTo(2);
            assertThat(s.path("mediaType").asText()).isEqualTo(MediaTypes.OCI_MANIFEST);
            assertThat(s.has("artifactType")).isFalse();
            assertThat(s.has("subject")).isFalse();
            assertThat(s.path("config").path("mediaType").asText()).isEqualTo(MediaTypes.SOCI_INDEX_V2);
            assertThat(s.path("config").path("digest").asText()).isEqualTo("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
            assertThat(s.path("config").path("size").asLong()).isEqualTo(2);
            assertThat(blobs.apply(new Descriptor(MediaTypes.SOCI_INDEX_V2, SociIndex.EMPTY_CONFIG_DIGEST, 2))).isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
            assertThat(annotations(s)).isEqualTo(Map.of(SociAnnotations.BUILD_TOOL_IDENTIFIER, "AWS SOCI CLI v0.2"));
            List<TestLayers.Layer> big = image.layers().stream().filter(l -> l.blob().length >= minLayerSize).toList();
            assertThat(s.path("layers").size()).isEqualTo(big.size());
            Iterator<JsonNode> ztocs = s.path("layers").elements();
            for (TestLayers.Layer layer : big) {
                JsonNode z = ztocs.next();
                assertThat(z.path("mediaType").asText()).isEqualTo("application/octet-stream");
                assertThat(annotations(z)).isEqualTo(Map.of(
                        SociAnnotations.IMAGE_LAYER_DIGEST, layer.descriptor().digest().toString(),
                        SociAnnotations.IMAGE_LAYER_MEDIA_TYPE, layer.mediaType(),
                        SociAnnotations.SPAN_SIZE, Long.toString(OPTIONS.spanSizeBytes())));
                byte[] ztocBytes = blobs.apply(new Descriptor("application/octet-stream", Digest.parse(z.path("digest").asText()), z.path("size").asLong()));
                Ztoc ztoc = ZtocCodec.decode(ztocBytes);
                assertThat(ztoc.compressedArchiveSize()).isEqualTo(layer.blob().length);
                assertThat(ztoc.files()).extracting(FileMetadata::name).containsExactlyElementsOf(layer.names());
            }
        }
    }

    @Test
    void convertsADockerManifestListInOrderIdempotentlyAndSurvivesSkopeo(Random random, @TempDir Path dir) throws Exception {
        try (RegistryEvents events = new RegistryEvents();
             LocalRegistry registry = LocalRegistry.start(dir.resolve("reg"), new LocalRegistry.Options(events.configSection(), null));
             RegistryClient client = client(registry)) {
            ImageReference src = ImageReference.parse(registry.address() + "/src/app:v1");
            List<TestLayers.Image> images = List.of(amd64(random, true), arm64(random, true));
            TestLayers.pushIndex(client, src, images, true, "v1");
            IndexStore store = IndexStore.open(dir.resolve("store"));
            SociConverter converter = new SociConverter(client, store, null);
            String dst = registry.address() + "/dst/app:soci";

            ConvertResult result = converter.convert(ConvertRequest.of(src.toString(), dst).withPlatforms(PlatformSelection.ALL).withBuild(OPTIONS));

            RawManifest index = client.pullManifest(ImageReference.parse(dst));
            assertThat(index.descriptor()).isEqualTo(result.index());
            ImageReference dstRepo = ImageReference.parse(dst);
            assertConverted(index, images, List.of(true, true), d -> pull(client, dstRepo.withDigest(d)),
                    b -> bytes(client, dstRepo, b), OPTIONS.minLayerSizeBytes());
            assertThat(result.platforms()).extracting(p -> p.platform().toString()).containsExactly("linux/amd64", "linux/arm64/v8");
            assertThat(result.platforms().getFirst().layers()).extracting(o -> o.getClass().getSimpleName()).containsExactly("Indexed", "Skipped", "Indexed");
            assertThat(store.list(ArtifactType.INDEX)).hasSize(2);

            // push order, from the registry's own event log: every manifest after what it names, the tagged index last
            List<RegistryEvents.Event> log = events.awaitEvent(e -> e.action().equals("push") && e.tag().equals("soci"));
            Set<String> present = new HashSet<>();
            RegistryEvents.Event last = null;
            for (RegistryEvents.Event e : log) {
                if (!e.repository().equals("dst/app") || !(e.action().equals("push") || e.action().equals("mount"))) continue;
                if (MediaTypes.isManifest(e.mediaType()) || MediaTypes.isIndex(e.mediaType())) {
                    RawManifest m = pull(client, dstRepo.withDigest(Digest.parse(e.digest())));
                    List<Descriptor> parts = switch (m.parse()) {
                        case ImageManifest im -> java.util.stream.Stream.concat(java.util.stream.Stream.of(im.config()), im.layers().stream()).toList();
                        case ImageIndex ii -> ii.manifests();
                    };
                    for (Descriptor part : parts) assertThat(present).as("%s pushed before %s", part.digest(), e.digest()).contains(part.digest().toString());
                    last = e;
                }
                present.add(e.digest());
            }
            assertThat(last).isNotNull();
            assertThat(last.digest()).isEqualTo(result.index().digest().toString());
            assertThat(last.tag()).isEqualTo("soci");

            // idempotent: again from the source, and converting the converted image, give the same digests
            ConvertResult again = converter.convert(ConvertRequest.of(src.toString(), dst).withPlatforms(PlatformSelection.ALL).withBuild(OPTIONS));
            assertThat(again.index()).isEqualTo(result.index());
            ConvertResult reconverted = converter.convert(ConvertRequest.of(dst, registry.address() + "/dst/app:again")
                    .withPlatforms(PlatformSelection.ALL).withBuild(OPTIONS.withForce(true)));
            assertThat(reconverted.index()).isEqualTo(result.index());

            // skopeo copy --all keeps the SOCI indexes; a plain single-platform pull still works
            ImageReference copy = ImageReference.parse(registry.address() + "/copy/app:v1");
            skopeo("copy", "--all", "--src-tls-verify=false", "--dest-tls-verify=false", "docker://" + dst, "docker://" + copy);
            // skopeo 1.9 (containers/image 5.23) re-serializes the index and drops descriptor artifactType, a field its
            // image-spec structs predate; the SOCI indexes stay: same children, and each image manifest still names
            // its index through the annotation, which is how v2 runtimes find it (soci-format.md §4 "Discovery")
            ImageIndex copied = (ImageIndex) client.pullManifest(copy).parse();
            assertThat(copied.manifests()).extracting(Descriptor::digest).containsExactlyElementsOf(((ImageIndex) index.parse()).manifests().stream().map(Descriptor::digest).toList());
            RegistryImageStore copyStore = new RegistryImageStore(client, copy);
            for (PlatformIndex p : result.platforms()) {
                RawManifest manifest = client.pullManifest(copy.withDigest(p.imageManifest().digest()));
                var found = IndexDiscovery.discover(copyStore, manifest, null, false).orElseThrow();
                assertThat(found.index()).isEqualTo(p.sociIndex().digest());
                assertThat(found.via()).isEqualTo(IndexDiscovery.Via.ANNOTATION);
                SociIndex sociIndex = SociIndex.parse(client.pullManifest(copy.withDigest(found.index())));
                for (IndexedLayer l : sociIndex.layers())
                    assertThat(ZtocCodec.decode(client.pullBlobBytes(copy, new Descriptor(MediaTypes.SOCI_ZTOC, l.ztoc(), l.ztocSize()))).compressedArchiveSize())
                            .isEqualTo(client.blobSize(copy, l.layerDigest()).orElseThrow());
            }
            Path pulled = dir.resolve("pulled");
            skopeo("copy", "--src-tls-verify=false", "--override-os", "linux", "--override-arch", "amd64", "docker://" + dst, "oci:" + pulled + ":x");
            OciLayoutDirectory layout = OciLayoutDirectory.open(pulled);
            ImageManifest amd = (ImageManifest) layout.manifest("x").parse();
            assertThat(amd.layers()).extracting(Descriptor::digest).containsExactlyElementsOf(images.getFirst().layers().stream().map(l -> l.descriptor().digest()).toList());
            for (TestLayers.Layer l : images.getFirst().layers())
                assertThat(Files.readAllBytes(layout.blobPath(l.descriptor().digest()))).isEqualTo(l.blob());
        }
    }

    @Test
    void singlePlatformImageThroughLayoutArchiveAndRegistry(Random random, @TempDir Path dir) throws Exception {
        TestLayers.Image image = arm64(random, false);
        OciLayoutDirectory layout = OciLayoutDirectory.open(dir.resolve("layout"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        layout.putBlob(Descriptor.of(MediaTypes.OCI_CONFIG, image.config()), Files.write(tmp.resolve("c"), image.config()));
        for (TestLayers.Layer l : image.layers()) layout.putBlob(l.descriptor(), Files.write(tmp.resolve(l.descriptor().digest().hex()), l.blob()));
        layout.putManifest(image.manifest(), "v1");
        IndexStore store = IndexStore.open(dir.resolve("store"));
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("reg")); RegistryClient client = client(registry)) {
            SociConverter converter = new SociConverter(client, store, null);
            Path archive = dir.resolve("out/soci.tar");
            // default platform selection: a single-manifest image is indexed whatever its platform
            ConvertResult toArchive = converter.convert(ConvertRequest.of("oci:" + layout.root() + ":v1", "oci-archive:" + archive + ":soci").withBuild(OPTIONS));
            OciLayoutDirectory out = OciLayoutTar.extract(archive, dir.resolve("extracted"));
            RawManifest wrapped = out.manifest("soci");
            assertThat(wrapped.descriptor()).isEqualTo(toArchive.index());
            assertConverted(wrapped, List.of(image), List.of(true), d -> manifest(out, d), b -> read(out, b), OPTIONS.minLayerSizeBytes());

            // archive → registry: same digests whatever the store
            String dst = registry.address() + "/single/app:soci";
            ConvertResult toRegistry = converter.convert(ConvertRequest.of("oci-archive:" + archive + ":soci", dst).withBuild(OPTIONS));
            assertThat(toRegistry.index()).isEqualTo(toArchive.index());
            assertThat(client.pullManifest(ImageReference.parse(dst)).digest()).isEqualTo(toArchive.index().digest());
            // registry → layout dir, back again
            ConvertResult toLayout = converter.convert(ConvertRequest.of(dst, "oci:" + dir.resolve("back") + ":soci").withBuild(OPTIONS));
            assertThat(toLayout.index()).isEqualTo(toArchive.index());

            // explicit platforms the image lacks are an error, and nothing is written
            assertThatThrownBy(() -> converter.convert(ConvertRequest.of("oci:" + layout.root() + ":v1", registry.address() + "/single/app:amd")
                    .withPlatforms(PlatformSelection.of(AMD64)).withBuild(OPTIONS)))
                    .isInstanceOf(UnsupportedImageException.class).hasMessageContaining("no image for linux/amd64").hasMessageContaining("linux/arm64/v8");
            assertThatThrownBy(() -> client.pullManifest(ImageReference.parse(registry.address() + "/single/app:amd"))).isInstanceOf(ManifestNotFoundException.class);
        }
    }

    @Test
    void platformSelectionAndMinLayerSize(Random random, @TempDir Path dir) throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("reg")); RegistryClient client = client(registry)) {
            ImageReference src = ImageReference.parse(registry.address() + "/multi/app:v1");
            List<TestLayers.Image> images = List.of(amd64(random, false), arm64(random, false));
            TestLayers.pushIndex(client, src, images, false, "v1");
            SociConverter converter = new SociConverter(client, IndexStore.open(dir.resolve("store")), null);
            ImageReference armOnly = src.withTag("arm");
            ConvertResult result = converter.convert(new ConvertRequest(new ImageLocation.Registry(src), new ImageLocation.Registry(armOnly),
                    PlatformSelection.of(ARM64), OPTIONS));
            assertThat(result.platforms()).extracting(p -> p.platform().toString()).containsExactly("linux/arm64/v8");
            RawManifest index = client.pullManifest(armOnly);
            assertConverted(index, images, List.of(false, true), d -> pull(client, src.withDigest(d)), b -> bytes(client, src, b), OPTIONS.minLayerSizeBytes());

            // the default (host) platform
            ConvertResult host = converter.convert(ConvertRequest.of(src.toString(), src.withTag("host").toString()).withBuild(OPTIONS));
            assertThat(host.platforms()).extracting(p -> p.platform().toString()).containsExactly(Platform.current().toString());

            // a larger minimum skips more layers; all skipped is an error and no tag appears
            ConvertResult fewer = converter.convert(ConvertRequest.of(src.toString(), src.withTag("min").toString())
                    .withPlatforms(PlatformSelection.of(AMD64)).withBuild(OPTIONS.withMinLayerSize(images.getFirst().layers().get(2).blob().length + 1L)));
            assertThat(fewer.platforms().getFirst().layers().stream().filter(o -> o instanceof LayerOutcome.Indexed).count())
                    .isEqualTo(images.getFirst().layers().stream().filter(l -> l.blob().length > images.getFirst().layers().get(2).blob().length).count());
            assertThatThrownBy(() -> converter.convert(ConvertRequest.of(src.toString(), src.withTag("none").toString())
                    .withPlatforms(PlatformSelection.ALL).withBuild(OPTIONS.withMinLayerSize(100L << 20))))
                    .isInstanceOf(NoIndexableLayerException.class).hasMessageContaining("no layer to index");
            assertThatThrownBy(() -> client.pullManifest(src.withTag("none"))).isInstanceOf(ManifestNotFoundException.class);
        }
    }

    static RawManifest pull(RegistryClient client, ImageReference ref) {
        try {
            return client.pullManifest(ref);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static byte[] bytes(RegistryClient client, ImageReference repo, Descriptor blob) {
        try {
            return client.pullBlobBytes(repo, blob);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static RawManifest manifest(OciLayoutDirectory layout, Digest d) {
        try {
            return layout.manifest(d.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static byte[] read(OciLayoutDirectory layout, Descriptor d) {
        try {
            return Files.readAllBytes(layout.blobPath(d.digest()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
