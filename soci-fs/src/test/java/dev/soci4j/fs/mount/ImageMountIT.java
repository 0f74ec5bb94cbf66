package dev.soci4j.fs.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.fs.FuseTesting;
import dev.soci4j.fs.fuse.KernelMounts;
import dev.soci4j.index.BuildOptions;
import dev.soci4j.index.ConvertRequest;
import dev.soci4j.index.SociConverter;
import dev.soci4j.index.store.IndexStore;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.Platform;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.manifest.ImageManifest;
import dev.soci4j.oci.manifest.RawManifest;
import dev.soci4j.oci.testing.LocalRegistry;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A two-layer image pushed to the real registry and converted to SOCI, mounted with overlayfs: the
 * lazy layer matches {@code tar -x} of its blob, whiteouts and opaque directories of the upper
 * (un-indexed, downloaded whole) layer hide the lower files, and everything unmounts.
 */
@Tag("fuse")
@Tag("registry")
@ExtendWith(SeededRandom.class)
class ImageMountIT {
    static final Platform AMD64 = Platform.parse("linux/amd64");

    @TempDir
    Path tmp;

    @Test
    @Timeout(120)
    void mountsLazilyWithWhiteoutsAndUnmountsCleanly(Random random) throws Exception {
        FuseTesting.assumeFuse();
        // lower: a/keep, a/gone, b/old, c/file and a 600 KB random file spanning many 64 KiB spans
        Path lower = tmp.resolve("lower");
        Files.createDirectories(lower.resolve("a"));
        Files.createDirectories(lower.resolve("b"));
        Files.createDirectories(lower.resolve("c"));
        Files.writeString(lower.resolve("a/keep"), "keep");
        Files.writeString(lower.resolve("a/gone"), "gone");
        Files.writeString(lower.resolve("b/old"), "old");
        Files.writeString(lower.resolve("c/file"), "v1");
        byte[] big = new byte[600_000];
        random.nextBytes(big);
        Files.write(lower.resolve("big.bin"), big);
        Files.createSymbolicLink(lower.resolve("link"), Path.of("../../etc/passwd"));
        // upper: a/.wh.gone, b/.wh..wh..opq with b/new, c/file replaced
        Path upper = tmp.resolve("upper");
        Files.createDirectories(upper.resolve("a"));
        Files.createDirectories(upper.resolve("b"));
        Files.createDirectories(upper.resolve("c"));
        Files.writeString(upper.resolve("a/.wh.gone"), "");
        Files.writeString(upper.resolve("b/.wh..wh..opq"), "");
        Files.writeString(upper.resolve("b/new"), "new");
        Files.writeString(upper.resolve("c/file"), "v2");
        Path lowerTar = tar(lower, "lower.tar");
        Path upperTar = tar(upper, "upper.tar");
        Path mnt = tmp.resolve("mnt");
        Files.createDirectories(mnt);
        Path state = tmp.resolve("state");
        try (LocalRegistry registry = LocalRegistry.start(tmp.resolve("reg"));
             RegistryClient client = RegistryClient.builder().build()) {
            ImageReference src = ImageReference.parse(registry.address() + "/fs/app:v1");
            push(client, src, List.of(lowerTar, upperTar));
            String dst = registry.address() + "/fs/app:soci";
            new SociConverter(client, IndexStore.open(tmp.resolve("store")), null).convert(ConvertRequest.of(src.toString(), dst)
                    .withBuild(BuildOptions.DEFAULT.withMinLayerSize(50_000).withSpanSize(64 << 10)));
            MountOptions options = new MountOptions(state, AMD64, null, false, false, 1L << 30, 2, MountOptions.Stacking.OVERLAY);
            String overlayView;
            try (ImageMount mount = ImageMount.mount(client, ImageReference.parse(dst), mnt, options)) {
                assertThat(mount.layers()).extracting(ImageMount.Layer::lazy).containsExactly(true, false);
                overlayView = FuseTesting.dump(mnt, false, true);
                assertThat(Files.readString(mnt.resolve("a/keep"))).isEqualTo("keep");
                assertThat(mnt.resolve("a/gone")).doesNotExist();
                try (var names = Files.list(mnt.resolve("b"))) {
                    assertThat(names.map(p -> p.getFileName().toString()).toList()).containsExactly("new");
                }
                assertThat(Files.readString(mnt.resolve("c/file"))).isEqualTo("v2");
                assertThat(Files.readSymbolicLink(mnt.resolve("link"))).isEqualTo(Path.of("../../etc/passwd"));
                assertThat(Files.readAllBytes(mnt.resolve("big.bin"))).isEqualTo(big);
                // the lazy layer alone, against tar -x of the same blob
                Path extracted = tmp.resolve("extracted");
                FuseTesting.untar(lowerTar, extracted);
                Path layerRoot = mount.layers().getFirst().fuse().mountPoint();
                assertThat(FuseTesting.difference(FuseTesting.dump(extracted, true), FuseTesting.dump(layerRoot, true))).isEmpty();
                // whiteout and opaque marker as overlayfs wants them, in the upper layer's own mount
                Path upperRoot = mount.layers().get(1).fuse().mountPoint();
                assertThat(FuseTesting.run(List.of("stat", "-c", "%F %t:%T", upperRoot.resolve("a/gone").toString())).trim())
                        .isEqualTo("character special file 0:0");
                assertThat(FuseTesting.run(List.of("python3", "-c",
                        "import os,sys; print(os.getxattr(sys.argv[1], 'trusted.overlay.opaque').decode())", upperRoot.resolve("b").toString())).trim())
                        .isEqualTo("y");
                mount.writeStats();
                assertThat(Files.readString(MountState.statsFile(state))).contains("layer=0", "lazy=true", "bytes_fetched=");
                assertThat(mount.layers().getFirst().stats().bytesFetched.get()).isPositive();
                assertThat(mount.layers().getFirst().stats().ztocBytes.get()).isPositive();   // fetched at mount
                assertThat(mount.layers().get(1).stats().ztocBytes.get()).isZero();           // downloaded whole, indexed here
            }
            assertThat(KernelMounts.isMounted(mnt)).isFalse();
            for (Path root : MountState.layerRoots(state)) assertThat(KernelMounts.isMounted(root)).as(root.toString()).isFalse();
        } finally {
            FuseTesting.unmountAll(mnt);
            FuseTesting.unmountAll(MountState.layerRoots(state).toArray(Path[]::new));
        }
    }

    /** An image nobody converted has no SOCI index: every layer is downloaded whole, and the mount still shows it all. */
    @Test
    @Timeout(120)
    void anImageWithoutAnIndexIsDownloadedWholeAndMounted(Random random) throws Exception {
        FuseTesting.assumeFuse();
        Path tree = Files.createDirectories(tmp.resolve("plain/etc"));
        byte[] data = new byte[300_000];
        random.nextBytes(data);
        Files.write(tree.resolve("data.bin"), data);
        Files.writeString(tree.resolve("hostname"), "plain");
        Path tar = tar(tmp.resolve("plain"), "plain.tar");
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Path state = tmp.resolve("state");
        try (LocalRegistry registry = LocalRegistry.start(tmp.resolve("reg"));
             RegistryClient client = RegistryClient.builder().build()) {
            ImageReference ref = ImageReference.parse(registry.address() + "/fs/plain:v1");
            push(client, ref, List.of(tar));
            MountOptions options = new MountOptions(state, AMD64, null, false, true, 1L << 30, 2);
            try (ImageMount mount = ImageMount.mount(client, ref, mnt, options)) {
                assertThat(mount.layers()).extracting(ImageMount.Layer::lazy).containsExactly(false);
                assertThat(mount.layers().getFirst().fetcher()).as("nothing to fetch in the background").isNull();
                assertThat(Files.readAllBytes(mnt.resolve("etc/data.bin"))).isEqualTo(data);
                assertThat(Files.readString(mnt.resolve("etc/hostname"))).isEqualTo("plain");
            }
            assertThat(KernelMounts.isMounted(mnt)).isFalse();
        } finally {
            FuseTesting.unmountAll(mnt);
            FuseTesting.unmountAll(MountState.layerRoots(state).toArray(Path[]::new));
        }
    }

    /**
     * Layers are prepared (zTOC or whole blob fetched) all at once: when one of them fails, the mount
     * fails with that error and leaves nothing mounted, whichever layers were already up.
     */
    @Test
    @Timeout(120)
    void aLayerThatCannotBeFetchedFailsTheMountAndLeavesNothingMounted(Random random) throws Exception {
        FuseTesting.assumeFuse();
        List<Path> tars = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path dir = tmp.resolve("layer" + i);
            Files.createDirectories(dir);
            byte[] data = new byte[i == 2 ? 1_000 : 200_000];   // the last layer is too small for a zTOC
            random.nextBytes(data);
            Files.write(dir.resolve("f" + i), data);
            tars.add(tar(dir, "layer" + i + ".tar"));
        }
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Path state = tmp.resolve("state");
        try (LocalRegistry registry = LocalRegistry.start(tmp.resolve("reg"));
             RegistryClient client = RegistryClient.builder().build()) {
            ImageReference src = ImageReference.parse(registry.address() + "/fs/broken:v1");
            push(client, src, tars);
            String dst = registry.address() + "/fs/broken:soci";
            new SociConverter(client, IndexStore.open(tmp.resolve("store")), null).convert(ConvertRequest.of(src.toString(), dst)
                    .withBuild(BuildOptions.DEFAULT.withMinLayerSize(50_000).withSpanSize(64 << 10)));
            // the registry loses the un-indexed layer's blob (fetched whole at mount time)
            var manifest = (dev.soci4j.oci.manifest.ImageManifest) client.pullManifest(src).parse();
            String hex = manifest.layers().get(2).digest().hex();
            Path data = registry.storage().resolve("docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
            assertThat(data).isRegularFile();
            Files.delete(data);
            MountOptions options = new MountOptions(state, AMD64, null, false, false, 1L << 30, 2);
            assertThatThrownBy(() -> ImageMount.mount(client, ImageReference.parse(dst), mnt, options))
                    .isInstanceOf(java.io.IOException.class).hasMessageContaining(manifest.layers().get(2).digest().toString());
            assertThat(KernelMounts.isMounted(mnt)).isFalse();
            assertThat(MountState.layerRoots(state)).isNotEmpty();
            for (Path root : MountState.layerRoots(state)) assertThat(KernelMounts.isMounted(root)).as(root.toString()).isFalse();
        } finally {
            FuseTesting.unmountAll(mnt);
            FuseTesting.unmountAll(MountState.layerRoots(state).toArray(Path[]::new));
        }
    }

    private Path tar(Path dir, String name) throws Exception {
        Path out = tmp.resolve(name);
        FuseTesting.run(List.of("tar", "-c", "--format=pax", "--numeric-owner", "-f", out.toString(), "-C", dir.toString(), "."));
        return out;
    }

    /** Pushes gzip layers of {@code tars} with a matching OCI config and manifest as {@code ref}. */
    static void push(RegistryClient client, ImageReference ref, List<Path> tars) throws Exception {
        ImageReference repo = ImageReference.of(ref.registry(), ref.repository());
        List<Descriptor> layers = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        for (Path tar : tars) {
            byte[] raw = Files.readAllBytes(tar);
            diffIds.add("\"" + Digest.of(raw) + "\"");
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                out.write(raw);
            }
            client.pushBlob(repo, gz.toByteArray());
            layers.add(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, gz.toByteArray()));
        }
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                + String.join(",", diffIds) + "]}}").getBytes(StandardCharsets.UTF_8);
        client.pushBlob(repo, config);
        client.pushManifest(ref, RawManifest.of(ImageManifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, config), layers)));
    }
}
