package dev.soci4j.oci.testing;

import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.Platform;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.manifest.ImageIndex;
import dev.soci4j.oci.manifest.ImageManifest;
import dev.soci4j.oci.manifest.RawManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Builds small random multi-platform images and pushes them. */
public final class TestImages {
    private TestImages() {}

    /** A pushed image: the index, and per platform the manifest and its blobs. */
    public record Pushed(RawManifest index, List<RawManifest> manifests, List<byte[]> blobs) {}

    public static byte[] randomBytes(Random random, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }

    public static byte[] gzip(byte[] data) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    /** Pushes a two-platform OCI index (linux/amd64, linux/arm64) with two layers each, tagged {@code ref}'s tag. */
    public static Pushed pushMultiPlatform(RegistryClient client, ImageReference ref, Random random) throws IOException {
        List<Descriptor> entries = new ArrayList<>();
        List<RawManifest> manifests = new ArrayList<>();
        List<byte[]> blobs = new ArrayList<>();
        for (Platform p : List.of(Platform.parse("linux/amd64"), Platform.parse("linux/arm64/v8"))) {
            byte[] config = ("{\"architecture\":\"" + p.architecture() + "\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}")
                    .getBytes(StandardCharsets.UTF_8);
            // real gzip streams: skopeo sniffs compression and would rewrite layers that only claim it
            byte[] l1 = gzip(randomBytes(random, 1000 + random.nextInt(5000)));
            byte[] l2 = gzip(randomBytes(random, 100_000 + random.nextInt(100_000)));
            for (byte[] b : List.of(config, l1, l2)) {
                client.pushBlob(ref, b);
                blobs.add(b);
            }
            ImageManifest m = ImageManifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, config),
                    List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, l1), Descriptor.of(MediaTypes.OCI_LAYER_GZIP, l2)));
            RawManifest raw = RawManifest.of(m);
            client.pushManifest(ref.withDigest(raw.digest()), raw);
            manifests.add(raw);
            entries.add(raw.descriptor().withPlatform(p));
        }
        RawManifest index = RawManifest.of(ImageIndex.of(entries));
        client.pushManifest(ref, index);
        return new Pushed(index, manifests, blobs);
    }
}
