package dev.soci4j.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.oci.manifest.ImageIndex;
import dev.soci4j.oci.manifest.ImageManifest;
import dev.soci4j.oci.manifest.RawManifest;
import dev.soci4j.oci.testing.LocalRegistry;
import dev.soci4j.ztoc.testing.SeededRandom;
import dev.soci4j.oci.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The registry client against a real anonymous CNCF distribution registry on loopback. */
@Tag("registry")
@ExtendWith(SeededRandom.class)
class RegistryClientIT {
    static LocalRegistry registry;
    static RegistryClient client;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        registry = LocalRegistry.start(dir);
        client = RegistryClient.builder().build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) client.close();
        if (registry != null) registry.close();
    }

    private static ImageReference ref(String repoAndTag) {
        return ImageReference.parse(registry.address() + "/" + repoAndTag);
    }

    @Test
    void checksTheApi() throws Exception {
        client.checkApi(registry.address());
    }

    @Test
    void roundTripsAMultiPlatformImage(Random random, @TempDir Path out) throws Exception {
        ImageReference ref = ref("multi/app:v1");
        TestImages.Pushed pushed = TestImages.pushMultiPlatform(client, ref, random);

        RawManifest index = client.pullManifest(ref);
        assertThat(index.bytes()).isEqualTo(pushed.index().bytes());
        assertThat(index.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
        ImageIndex parsed = (ImageIndex) index.parse();
        Descriptor arm = parsed.forPlatform(Platform.parse("linux/aarch64")).orElseThrow();
        assertThat(arm.digest()).isEqualTo(pushed.manifests().get(1).digest());

        RawManifest manifest = client.pullManifest(ref.withDigest(arm.digest()));
        assertThat(manifest.bytes()).isEqualTo(pushed.manifests().get(1).bytes());
        ImageManifest image = (ImageManifest) manifest.parse();
        for (Descriptor layer : image.layers()) {
            Path file = out.resolve(layer.digest().hex());
            client.pullBlob(ref, layer, file);
            assertThat(Digest.of(Files.readAllBytes(file))).isEqualTo(layer.digest());
        }
        assertThat(client.pullBlobBytes(ref, image.config())).hasSize((int) image.config().size());
        assertThat(client.headManifest(ref)).get().extracting(Descriptor::digest).isEqualTo(index.digest());
    }

    @Test
    void skipsBlobsTheRepositoryHas(Random random) throws Exception {
        byte[] blob = TestImages.randomBytes(random, 4096);
        ImageReference repo = ref("skip/app");
        assertThat(client.pushBlob(repo, blob)).isTrue();
        assertThat(client.pushBlob(repo, blob)).isFalse();
        assertThat(client.blobSize(repo, Digest.of(blob))).hasValue(4096);
    }

    @Test
    void uploadsInChunks(Random random, @TempDir Path dir) throws Exception {
        byte[] blob = TestImages.randomBytes(random, 300_000);
        Path file = dir.resolve("blob");
        Files.write(file, blob);
        ImageReference repo = ref("chunked/app");
        try (RegistryClient chunked = RegistryClient.builder().chunkBytes(64 * 1024).build()) {
            Descriptor d = new Descriptor(MediaTypes.OCI_LAYER_GZIP, Digest.of(blob), blob.length);
            assertThat(chunked.pushBlob(repo, d, file)).isTrue();
            Path back = dir.resolve("back");
            chunked.pullBlob(repo, d, back);
            assertThat(Files.readAllBytes(back)).isEqualTo(blob);
        }
    }

    @Test
    void readsRanges(Random random) throws Exception {
        byte[] blob = TestImages.randomBytes(random, 1 << 20);
        ImageReference repo = ref("range/app");
        client.pushBlob(repo, blob);
        Digest digest = Digest.of(blob);
        for (int i = 0; i < 20; i++) {
            int offset = random.nextInt(blob.length);
            int length = 1 + random.nextInt(blob.length - offset);
            assertThat(client.readBlobRange(repo, digest, offset, length))
                    .isEqualTo(java.util.Arrays.copyOfRange(blob, offset, offset + length));
        }
        assertThatThrownBy(() -> client.readBlobRange(repo, digest, blob.length + 10, 5))
                .isInstanceOf(RangeNotSatisfiableException.class)
                .hasMessageContaining(digest.toString()).hasMessageContaining("416");
    }

    @Test
    void streamsBlobsVerified(Random random) throws Exception {
        byte[] blob = TestImages.randomBytes(random, 5 << 20);
        ImageReference repo = ref("stream/app");
        client.pushBlob(repo, blob);
        Descriptor d = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, blob);
        try (var channel = client.openBlob(repo, d)) {
            assertThat(FaultInjectionTest.drain(channel, 1 << 16, true)).isEqualTo(blob);
        }
        Descriptor wrongSize = new Descriptor(d.mediaType(), d.digest(), d.size() - 1);
        assertThatThrownBy(() -> client.openBlob(repo, wrongSize))
                .isInstanceOf(RegistryException.class).hasMessageContaining("Content-Length");
        Descriptor absent = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, "absent".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> client.openBlob(repo, absent)).isInstanceOf(BlobNotFoundException.class);
    }

    @Test
    void reportsMissingContentByName() {
        ImageReference missing = ref("nothing/here:nope");
        assertThatThrownBy(() -> client.pullManifest(missing))
                .isInstanceOf(ManifestNotFoundException.class)
                .hasMessageContaining("pull manifest nope from " + registry.address() + "/nothing/here")
                .hasMessageContaining("404");
        Descriptor ghost = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, "ghost".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> client.pullBlobBytes(missing, ghost))
                .isInstanceOf(BlobNotFoundException.class)
                .hasMessageContaining(ghost.digest().toString());
    }

    @Test
    void listsTagsAcrossPages(Random random) throws Exception {
        ImageReference repo = ref("tags/app");
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        client.pushBlob(repo, config);
        RawManifest m = RawManifest.of(ImageManifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, config), List.of()));
        List<String> tags = List.of("a", "b", "c", "d", "e");
        for (String t : tags) client.pushManifest(repo.withTag(t), m);
        // distribution 2.8 pages in storage order, not sorted: compare as sets (which still catches
        // a page repeated or lost, as duplicates or missing tags)
        assertThat(client.host(registry.address()).listTags("tags/app", 2)).containsExactlyInAnyOrderElementsOf(tags);
        assertThat(client.listTags(repo)).containsExactlyInAnyOrderElementsOf(tags);
    }

    @Test
    void deletesManifests() throws Exception {
        ImageReference repo = ref("delete/app:gone");
        byte[] config = "{\"x\":1}".getBytes(StandardCharsets.UTF_8);
        client.pushBlob(repo, config);
        RawManifest m = RawManifest.of(ImageManifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, config), List.of()));
        client.pushManifest(repo, m);
        client.deleteManifest(repo.withDigest(m.digest()));
        assertThat(client.headManifest(repo.withDigest(m.digest()))).isEmpty();
        assertThatThrownBy(() -> client.pullManifest(repo)).isInstanceOf(ManifestNotFoundException.class);
    }

    @Test
    void mountsBlobsAcrossRepositories(Random random) throws Exception {
        byte[] blob = TestImages.randomBytes(random, 10_000);
        ImageReference from = ref("mount/source");
        ImageReference to = ref("mount/target");
        client.pushBlob(from, blob);
        assertThat(client.mountBlob(to, from, Digest.of(blob))).isTrue();
        assertThat(client.blobSize(to, Digest.of(blob))).hasValue(10_000);
    }

    @Test
    void keepsReferrersInTheFallbackTag(Random random) throws Exception {
        ImageReference ref = ref("referrers/app:v1");
        TestImages.Pushed image = TestImages.pushMultiPlatform(client, ref, random);
        Descriptor subject = image.index().descriptor();
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        client.pushBlob(ref, empty);
        RawManifest soci = RawManifest.of(ImageManifest.of(Descriptor.of(MediaTypes.OCI_EMPTY, empty), List.of())
                .withArtifactType(MediaTypes.SOCI_INDEX_V2).withSubject(subject).withAnnotations(Map.of("k", "v")));
        RawManifest other = RawManifest.of(ImageManifest.of(Descriptor.of(MediaTypes.OCI_EMPTY, empty), List.of())
                .withArtifactType("application/vnd.example.sbom").withSubject(subject));
        client.pushManifest(ref.withDigest(soci.digest()), soci);
        client.pushManifest(ref.withDigest(other.digest()), other);
        client.pushManifest(ref.withDigest(soci.digest()), soci); // again: no duplicate entry

        ImageIndex all = client.listReferrers(ref, subject.digest(), null);
        assertThat(all.manifests()).extracting(Descriptor::digest).containsExactly(soci.digest(), other.digest());
        assertThat(all.manifests().getFirst().annotations()).containsEntry("k", "v");
        ImageIndex sociOnly = client.listReferrers(ref, subject.digest(), MediaTypes.SOCI_INDEX_V2);
        assertThat(sociOnly.manifests()).extracting(Descriptor::digest).containsExactly(soci.digest());
        assertThat(client.listTags(ref)).contains(subject.digest().referrersTag());
        assertThat(client.listReferrers(ref, image.manifests().getFirst().digest(), null).manifests()).isEmpty();
    }
}
