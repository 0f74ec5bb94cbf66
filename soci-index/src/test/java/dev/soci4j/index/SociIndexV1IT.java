package dev.soci4j.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soci4j.index.discovery.IndexDiscovery;
import dev.soci4j.index.store.IndexStore;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.layout.RegistryImageStore;
import dev.soci4j.oci.manifest.ImageIndex;
import dev.soci4j.oci.manifest.ManifestJson;
import dev.soci4j.oci.manifest.RawManifest;
import dev.soci4j.oci.testing.LocalRegistry;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** soci create + push (v1) and discovery, against the real registry (distribution 2.8: no referrers API, so the fallback tag). */
@Tag("registry")
@ExtendWith(SeededRandom.class)
class SociIndexV1IT {
    @Test
    void createPushAndDiscoverThroughTheFallbackTag(Random random, @TempDir Path dir) throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("reg")); RegistryClient client = RegistryClient.builder().build()) {
            ImageReference ref = ImageReference.parse(registry.address() + "/v1/app:v1");
            List<TestLayers.Image> images = List.of(ConvertIT.amd64(random, true), ConvertIT.arm64(random, true));
            RawManifest rootBefore = TestLayers.pushIndex(client, ref, images, true, "v1");
            IndexStore store = IndexStore.open(dir.resolve("store"));
            SociIndexV1 v1 = new SociIndexV1(client, store, null);

            List<PlatformIndex> created = v1.create(new ImageLocation.Registry(ref), PlatformSelection.ALL, ConvertIT.OPTIONS);
            assertThat(created).hasSize(2);
            for (int i = 0; i < 2; i++) {
                PlatformIndex p = created.get(i);
                RawManifest raw = store.readIndex(p.sociIndex().digest());
                JsonNode s = ManifestJson.MAPPER.readTree(raw.bytes());
                assertThat(s.path("config").path("mediaType").asText()).isEqualTo(MediaTypes.SOCI_INDEX_V1);
                assertThat(s.path("config").path("digest").asText()).isEqualTo(SociIndex.EMPTY_CONFIG_DIGEST.toString());
                assertThat(s.has("artifactType")).isFalse();
                Descriptor manifest = images.get(i).manifest().descriptor();
                assertThat(s.path("subject").path("digest").asText()).isEqualTo(manifest.digest().toString());
                assertThat(s.path("subject").path("mediaType").asText()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
                assertThat(s.path("subject").path("size").asLong()).isEqualTo(manifest.size());
                assertThat(store.get(p.sociIndex().digest()).orElseThrow().manifestDigest()).isEqualTo(manifest.digest());
            }
            // nothing pushed yet: no index to discover
            RegistryImageStore remote = new RegistryImageStore(client, ref);
            RawManifest amd = client.pullManifest(ref.withDigest(images.getFirst().manifest().digest()));
            assertThat(IndexDiscovery.discover(remote, amd, null, true)).isEmpty();

            List<SociIndexV1.Pushed> pushed = v1.push(ref, PlatformSelection.ALL, ExistingIndexPolicy.WARN);
            assertThat(pushed).extracting(SociIndexV1.Pushed::outcome).containsOnly(SociIndexV1.Outcome.PUSHED);
            // the fallback tag lists the index with its artifact type; the image itself is unchanged
            ImageIndex referrers = (ImageIndex) client.pullManifest(ref.withTag(images.getFirst().manifest().digest().referrersTag())).parse();
            assertThat(referrers.manifests()).singleElement().satisfies(d -> {
                assertThat(d.digest()).isEqualTo(created.getFirst().sociIndex().digest());
                assertThat(d.artifactType()).isEqualTo(MediaTypes.SOCI_INDEX_V1);
                assertThat(d.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
            });
            assertThat(client.pullManifest(ref).digest()).isEqualTo(rootBefore.digest());

            var found = IndexDiscovery.discover(remote, amd, null, true).orElseThrow();
            assertThat(found.index()).isEqualTo(created.getFirst().sociIndex().digest());
            assertThat(found.via()).isEqualTo(IndexDiscovery.Via.REFERRERS);
            assertThat(IndexDiscovery.discover(remote, amd, null, false)).as("v1 disabled").isEmpty();
            assertThat(IndexDiscovery.discover(remote, amd, created.get(1).sociIndex().digest(), false).orElseThrow().via())
                    .isEqualTo(IndexDiscovery.Via.EXPLICIT);
            SociIndex index = SociIndex.parse(client.pullManifest(ref.withDigest(found.index())));
            for (IndexedLayer l : index.layers())
                assertThat(client.blobSize(ref, l.ztoc())).hasValue(l.ztocSize());

            // a second, different index (other span size) meets the existing one
            v1.create(new ImageLocation.Registry(ref), PlatformSelection.of(ConvertIT.AMD64), ConvertIT.OPTIONS.withSpanSize(128 << 10));
            List<SociIndexV1.Pushed> skipped = v1.push(ref, PlatformSelection.of(ConvertIT.AMD64), ExistingIndexPolicy.SKIP);
            assertThat(skipped).singleElement().satisfies(p -> {
                assertThat(p.outcome()).isEqualTo(SociIndexV1.Outcome.SKIPPED_EXISTING);
                assertThat(p.existing()).extracting(Descriptor::digest).containsExactly(created.getFirst().sociIndex().digest());
            });
            assertThat(client.listReferrers(ref, amd.digest(), MediaTypes.SOCI_INDEX_V1).manifests()).hasSize(1);
        }
    }

    @Test
    void pushWithoutCreateSaysSo(Random random, @TempDir Path dir) throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("reg")); RegistryClient client = RegistryClient.builder().build()) {
            ImageReference ref = ImageReference.parse(registry.address() + "/v1/none:v1");
            TestLayers.push(client, ref, ConvertIT.amd64(random, false), "v1");
            SociIndexV1 v1 = new SociIndexV1(client, IndexStore.open(dir.resolve("store")), null);
            assertThatThrownBy(() -> v1.push(ref, PlatformSelection.host(), ExistingIndexPolicy.WARN))
                    .isInstanceOf(IndexNotFoundException.class).hasMessageContaining("no SOCI index v1").hasMessageContaining("soci create");
        }
    }
}
