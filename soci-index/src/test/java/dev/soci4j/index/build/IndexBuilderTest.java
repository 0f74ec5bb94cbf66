package dev.soci4j.index.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.index.BuildOptions;
import dev.soci4j.index.BuildProgress;
import dev.soci4j.index.BuiltIndex;
import dev.soci4j.index.LayerIndexException;
import dev.soci4j.index.LayerOutcome;
import dev.soci4j.index.NoIndexableLayerException;
import dev.soci4j.index.SociVersion;
import dev.soci4j.index.UnsupportedImageException;
import dev.soci4j.index.store.IndexStore;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.DigestMismatchException;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.layout.OciLayoutDirectory;
import dev.soci4j.oci.manifest.ImageManifest;
import dev.soci4j.ztoc.testing.SeededRandom;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.ZtocCodec;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The per-manifest builder against an OCI layout source (no registry needed). */
@ExtendWith(SeededRandom.class)
class IndexBuilderTest {
    private static final BuildOptions SMALL = BuildOptions.DEFAULT.withMinLayerSize(4096).withSpanSize(64 << 10);

    private static Descriptor put(OciLayoutDirectory layout, Path dir, String mediaType, byte[] blob) throws Exception {
        Descriptor d = Descriptor.of(mediaType, blob);
        Path f = Files.write(dir.resolve("blob-" + d.digest().hex()), blob);
        layout.putBlob(d, f);
        return d;
    }

    private static byte[] tarGz(Random random, String prefix, boolean xattr, boolean opaque) throws Exception {
        return TarFixture.layer(random, prefix, 20, 40_000, xattr, opaque);
    }

    @Test
    void indexesSkipsAndMarksXattrsPerLayer(Random random, @TempDir Path dir) throws Exception {
        OciLayoutDirectory layout = OciLayoutDirectory.open(dir.resolve("layout"));
        List<Descriptor> layers = new ArrayList<>();
        layers.add(put(layout, dir, MediaTypes.OCI_LAYER_GZIP, tarGz(random, "plain", false, false)));
        layers.add(put(layout, dir, MediaTypes.OCI_LAYER_GZIP, tarGz(random, "xattr", true, false)));
        layers.add(put(layout, dir, MediaTypes.OCI_LAYER_GZIP, tarGz(random, "opaque", false, true)));
        layers.add(put(layout, dir, MediaTypes.OCI_LAYER_GZIP, gzip(new byte[1024])));          // tiny: below min size
        layers.add(put(layout, dir, MediaTypes.OCI_LAYER_ZSTD, TarFixture.randomBytes(random, 10_000))); // zstd: never read
        Descriptor config = put(layout, dir, MediaTypes.OCI_CONFIG, "{}".getBytes());
        ImageManifest manifest = ImageManifest.of(config, layers);
        IndexStore store = IndexStore.open(dir.resolve("store"));
        Map<Descriptor, Long> progress = new ConcurrentHashMap<>();
        BuildProgress listener = new BuildProgress() {
            @Override
            public void bytesRead(Descriptor layer, long readBytes, long totalBytes) {
                progress.merge(layer, readBytes, Math::max);
            }
        };

        BuiltIndex built = new IndexBuilder(store, SMALL.withOptimizeXattrs(true), listener).build(layout, "test", manifest, SociVersion.V2, null);

        assertThat(built.layers()).hasSize(5);
        assertThat(built.layers().subList(0, 3)).allMatch(o -> o instanceof LayerOutcome.Indexed i && !i.reused());
        assertThat(built.layers().get(3)).isEqualTo(new LayerOutcome.Skipped(layers.get(3), LayerOutcome.SkipReason.BELOW_MIN_SIZE));
        assertThat(built.layers().get(4)).isEqualTo(new LayerOutcome.Skipped(layers.get(4), LayerOutcome.SkipReason.ZSTD));
        assertThat(built.index().layers()).extracting(l -> l.disableXattrs()).containsExactly(true, false, false);
        assertThat(built.index().layers()).extracting(l -> l.layerDigest()).containsExactly(layers.get(0).digest(), layers.get(1).digest(), layers.get(2).digest());
        for (int i = 0; i < 3; i++) {
            assertThat(progress.get(layers.get(i))).isEqualTo(layers.get(i).size());
            var ztoc = ZtocCodec.decode(store.readBlob(built.index().layers().get(i).ztoc()));
            assertThat(ztoc.compressedArchiveSize()).isEqualTo(layers.get(i).size());
            assertThat(ztoc.files()).extracting(FileMetadata::name).contains(List.of("plain/", "xattr/", "opaque/").get(i) + "file-0.bin");
        }
        assertThat(progress).doesNotContainKeys(layers.get(3), layers.get(4));

        // second build reuses every zTOC; force rebuilds to the same bytes
        BuiltIndex again = new IndexBuilder(store, SMALL.withOptimizeXattrs(true), null).build(layout, "test", manifest, SociVersion.V2, null);
        assertThat(again.layers().subList(0, 3)).allMatch(o -> o instanceof LayerOutcome.Indexed i && i.reused());
        assertThat(again.manifest()).isEqualTo(built.manifest());
        BuiltIndex forced = new IndexBuilder(store, SMALL.withOptimizeXattrs(true).withForce(true), null).build(layout, "test", manifest, SociVersion.V2, null);
        assertThat(forced.layers().subList(0, 3)).allMatch(o -> o instanceof LayerOutcome.Indexed i && !i.reused());
        assertThat(forced.manifest()).isEqualTo(built.manifest());
        // without the optimization no layer is marked
        BuiltIndex plain = new IndexBuilder(store, SMALL, null).build(layout, "test", manifest, SociVersion.V2, null);
        assertThat(plain.index().layers()).noneMatch(l -> l.disableXattrs());
    }

    @Test
    void refusesArtifactsUnknownLayersAndImagesWithNothingToIndex(Random random, @TempDir Path dir) throws Exception {
        OciLayoutDirectory layout = OciLayoutDirectory.open(dir.resolve("layout"));
        IndexStore store = IndexStore.open(dir.resolve("store"));
        IndexBuilder builder = new IndexBuilder(store, SMALL, null);
        Descriptor config = put(layout, dir, MediaTypes.OCI_CONFIG, "{}".getBytes());
        Descriptor layer = put(layout, dir, MediaTypes.OCI_LAYER_GZIP, tarGz(random, "a", false, false));
        Descriptor tiny = put(layout, dir, MediaTypes.OCI_LAYER_GZIP, gzip(new byte[100]));

        Descriptor artifactConfig = new Descriptor("application/vnd.example.thing+json", config.digest(), config.size());
        assertThatThrownBy(() -> builder.build(layout, "art", ImageManifest.of(artifactConfig, List.of(layer)), SociVersion.V2, null))
                .isInstanceOf(UnsupportedImageException.class).hasMessageContaining("art is not a container image").hasMessageContaining("application/vnd.example.thing+json");
        Descriptor weird = new Descriptor("application/x-weird", layer.digest(), layer.size());
        assertThatThrownBy(() -> builder.build(layout, "img", ImageManifest.of(config, List.of(weird)), SociVersion.V2, null))
                .isInstanceOf(UnsupportedImageException.class).hasMessageContaining(layer.digest().toString()).hasMessageContaining("application/x-weird");
        assertThatThrownBy(() -> builder.build(layout, "img", ImageManifest.of(config, List.of(tiny)), SociVersion.V2, null))
                .isInstanceOf(NoIndexableLayerException.class).hasMessageContaining("img has no layer to index");
        Descriptor missing = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, tarGz(random, "b", false, false));
        assertThatThrownBy(() -> builder.build(layout, "img", ImageManifest.of(config, List.of(missing)), SociVersion.V2, null))
                .isInstanceOf(LayerIndexException.class).hasMessageContaining(missing.digest().toString());
        // a blob whose bytes are not what the descriptor says: the digest check at the stream's end fails the layer
        Files.write(layout.blobPath(layer.digest()), tarGz(random, "evil", false, false));
        assertThatThrownBy(() -> new IndexBuilder(store, SMALL.withForce(true), null).build(layout, "img", ImageManifest.of(config, List.of(layer)), SociVersion.V2, null))
                .isInstanceOf(LayerIndexException.class).hasMessageContaining(layer.digest().toString())
                .cause().isInstanceOfAny(DigestMismatchException.class, java.io.IOException.class);
    }

    static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
