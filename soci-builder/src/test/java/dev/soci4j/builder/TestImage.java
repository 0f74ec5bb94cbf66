package dev.soci4j.builder;

import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.Platform;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.manifest.ImageIndex;
import dev.soci4j.oci.manifest.ImageManifest;
import dev.soci4j.oci.manifest.RawManifest;
import dev.soci4j.oci.testing.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small indexable images: two platforms, each one gzip layer holding a ustar archive of random files. */
public final class TestImage {
    private TestImage() {}

    /** A ustar archive of {@code files} random files of up to 32 KiB. */
    static byte[] tar(Random random, int files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < files; i++) {
            byte[] content = TestImages.randomBytes(random, 1000 + random.nextInt(32_000));
            byte[] h = new byte[512];
            put(h, 0, "data/file-" + i + ".bin");
            put(h, 100, "0000644");
            put(h, 108, "0000000");
            put(h, 116, "0000000");
            put(h, 124, String.format("%011o", content.length));
            put(h, 136, String.format("%011o", 1_700_000_000L));
            h[156] = '0';
            put(h, 257, "ustar");
            h[262] = 0;
            put(h, 263, "00");
            for (int k = 148; k < 156; k++) h[k] = ' ';
            int sum = 0;
            for (byte b : h) sum += b & 0xff;
            put(h, 148, String.format("%06o", sum));
            h[154] = 0;
            h[155] = ' ';
            out.writeBytes(h);
            out.writeBytes(content);
            out.writeBytes(new byte[(512 - content.length % 512) % 512]);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    /** Pushes a two-platform OCI index tagged as {@code ref}. */
    public static RawManifest push(RegistryClient client, ImageReference ref, Random random) throws IOException {
        List<Descriptor> entries = new ArrayList<>();
        for (Platform p : List.of(Platform.parse("linux/amd64"), Platform.parse("linux/arm64/v8"))) {
            byte[] config = ("{\"architecture\":\"" + p.architecture() + "\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}")
                    .getBytes(StandardCharsets.UTF_8);
            byte[] layer = TestImages.gzip(tar(random, 4));
            client.pushBlob(ref, config);
            client.pushBlob(ref, layer);
            RawManifest m = RawManifest.of(ImageManifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, config),
                    List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer))));
            client.pushManifest(ref.withDigest(m.digest()), m);
            entries.add(m.descriptor().withPlatform(p));
        }
        RawManifest index = RawManifest.of(ImageIndex.of(entries));
        client.pushManifest(ref, index);
        return index;
    }
}
