package dev.soci4j.index.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.index.IndexNotFoundException;
import dev.soci4j.index.IndexedLayer;
import dev.soci4j.index.SociIndex;
import dev.soci4j.index.SociVersion;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.manifest.RawManifest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexStoreTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static final Digest LAYER_A = Digest.of(bytes("layer a"));
    private static final Digest LAYER_B = Digest.of(bytes("layer b"));

    /** Two indexes sharing zTOC a; index 2 also has zTOC b. */
    private static RawManifest[] twoIndexes(IndexStore store) throws Exception {
        ArtifactRecord za = store.putZtoc(bytes("ztoc a"), LAYER_A, MediaTypes.OCI_LAYER_GZIP, 1024, "img:1");
        ArtifactRecord zb = store.putZtoc(bytes("ztoc b"), LAYER_B, MediaTypes.OCI_LAYER_GZIP, 1024, "img:2");
        IndexedLayer a = new IndexedLayer(za.digest(), za.size(), LAYER_A, MediaTypes.OCI_LAYER_GZIP, 1024, false);
        IndexedLayer b = new IndexedLayer(zb.digest(), zb.size(), LAYER_B, MediaTypes.OCI_LAYER_GZIP, 1024, false);
        RawManifest i1 = new SociIndex(SociVersion.V2, List.of(a), null).toRawManifest();
        RawManifest i2 = new SociIndex(SociVersion.V2, List.of(a, b), null).toRawManifest();
        store.putIndex(i1, "img:1", "linux/amd64", null);
        store.putIndex(i2, "img:2", "linux/arm64/v8", null);
        return new RawManifest[] {i1, i2};
    }

    @Test
    void storesListsAndFindsZtocs(@TempDir Path root) throws Exception {
        IndexStore store = IndexStore.open(root);
        RawManifest[] idx = twoIndexes(store);
        assertThat(store.list(ArtifactType.INDEX)).extracting(ArtifactRecord::digest).containsExactlyInAnyOrder(idx[0].digest(), idx[1].digest());
        assertThat(store.list(ArtifactType.ZTOC)).hasSize(2);
        assertThat(store.findZtoc(LAYER_A, 1024)).map(ArtifactRecord::digest).contains(Digest.of(bytes("ztoc a")));
        assertThat(store.findZtoc(LAYER_A, 2048)).isEmpty();
        assertThat(store.get(idx[1].digest()).orElseThrow().platform()).isEqualTo("linux/arm64/v8");
        assertThat(store.readBlob(SociIndex.EMPTY_CONFIG_DIGEST)).isEqualTo(SociIndex.EMPTY_CONFIG);
        assertThat(Files.exists(root.resolve("blobs/sha256/" + idx[0].digest().hex()))).isTrue();
    }

    @Test
    void removingAnIndexKeepsZtocsAnotherIndexUses(@TempDir Path root) throws Exception {
        IndexStore store = IndexStore.open(root);
        RawManifest[] idx = twoIndexes(store);
        IndexStore.Removal r2 = store.removeIndex(idx[1].digest());
        assertThat(r2.ztocs()).containsExactly(Digest.of(bytes("ztoc b")));
        assertThat(store.hasBlob(Digest.of(bytes("ztoc a")))).isTrue();
        IndexStore.Removal r1 = store.removeIndex(idx[0].digest());
        assertThat(r1.ztocs()).containsExactly(Digest.of(bytes("ztoc a")));
        assertThat(store.list()).isEmpty();
        assertThatThrownBy(() -> store.removeIndex(idx[0].digest())).isInstanceOf(IndexNotFoundException.class).hasMessageContaining(idx[0].digest().toString());
    }

    @Test
    void crashLeftoversAreIgnoredAndRebuildRestores(@TempDir Path root) throws Exception {
        IndexStore store = IndexStore.open(root);
        RawManifest[] idx = twoIndexes(store);
        Path records = root.resolve("artifacts");
        // a crash mid-write: a leftover temp record, a record cut short, a temp blob, a lost record
        Files.writeString(records.resolve("." + idx[0].digest().hex() + ".json.1234.tmp"), "{\"digest\":");
        Files.writeString(records.resolve(idx[1].digest().hex() + ".json"), "{\"digest\":\"sha256:");
        Files.write(root.resolve("blobs/sha256/.deadbeef.tmp"), bytes("partial"));
        Files.delete(records.resolve(Digest.of(bytes("ztoc b")).hex() + ".json"));
        // a blob that rotted on disk
        Digest rotten = store.putBlob(bytes("will rot"));
        Files.writeString(store.blobPath(rotten), "rotten!");

        IndexStore reopened = IndexStore.open(root);
        assertThat(reopened.list()).extracting(ArtifactRecord::digest).contains(idx[0].digest()).doesNotContain(idx[1].digest());

        IndexStore.Rebuild rebuild = reopened.rebuildDb();
        assertThat(rebuild.tempFilesRemoved()).isEqualTo(2);
        assertThat(rebuild.corruptBlobsRemoved()).isEqualTo(1);
        assertThat(rebuild.indexes()).isEqualTo(2);
        assertThat(rebuild.ztocs()).isEqualTo(2);
        assertThat(reopened.list(ArtifactType.INDEX)).extracting(ArtifactRecord::digest).containsExactlyInAnyOrder(idx[0].digest(), idx[1].digest());
        ArtifactRecord zb = reopened.get(Digest.of(bytes("ztoc b"))).orElseThrow();
        assertThat(zb.layerDigest()).isEqualTo(LAYER_B);
        assertThat(zb.spanSizeBytes()).isEqualTo(1024);
        assertThat(reopened.get(idx[0].digest()).orElseThrow().imageRef()).isEqualTo("img:1"); // kept from the old record
        try (var files = Files.list(records)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
        assertThat(reopened.hasBlob(rotten)).isFalse();
        // idempotent
        IndexStore.Rebuild again = reopened.rebuildDb();
        assertThat(again.recordsAdded()).isZero();
        assertThat(again.recordsRemoved()).isZero();
    }
}
