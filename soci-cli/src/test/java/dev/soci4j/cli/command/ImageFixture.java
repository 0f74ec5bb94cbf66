package dev.soci4j.cli.command;

import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.Platform;
import dev.soci4j.oci.layout.ImageStore;
import dev.soci4j.oci.manifest.ImageIndex;
import dev.soci4j.oci.manifest.ImageManifest;
import dev.soci4j.oci.manifest.RawManifest;
import dev.soci4j.ztoc.EntryType;
import dev.soci4j.ztoc.testing.RandomLayer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Small real images for the CLI tests: random tar layers (soci-ztoc's {@link RandomLayer}), gzipped,
 * two big enough to index at {@link #MIN_LAYER_SIZE} and one tiny one below it. Deterministic for a
 * given {@link Random}.
 */
final class ImageFixture {
    /** Passed as --min-layer-size: the big layers are well above it, the tiny one well below. */
    static final long MIN_LAYER_SIZE = 50_000;
    static final int SPAN_SIZE = 64 << 10;
    static final Platform AMD64 = Platform.parse("linux/amd64");
    static final Platform ARM64 = Platform.parse("linux/arm64/v8");

    private ImageFixture() {
    }

    /** A gzip layer: its blob and the tar it holds. */
    record Layer(byte[] blob, RandomLayer tar) {
        Descriptor descriptor() {
            return Descriptor.of(MediaTypes.OCI_LAYER_GZIP, blob);
        }

        /** A regular file with content, to read back through a zTOC. */
        RandomLayer.Entry someFile() {
            return tar.entries().stream().filter(e -> e.type() == EntryType.REG && e.content().length > 1000).findFirst().orElseThrow();
        }
    }

    /** One platform's image. */
    record Image(Platform platform, byte[] config, List<Layer> layers, RawManifest manifest) {
        List<Layer> bigLayers() {
            return layers.stream().filter(l -> l.blob().length >= MIN_LAYER_SIZE).toList();
        }
    }

    /** Two big layers and a tiny one (in the middle, so layer order matters). */
    static Image image(Random random, Platform platform) throws IOException {
        List<Layer> layers = List.of(layer(random, 60), layer(random, 2), layer(random, 60));
        if (layers.get(0).blob().length < 2 * MIN_LAYER_SIZE || layers.get(2).blob().length < 2 * MIN_LAYER_SIZE
                || layers.get(1).blob().length >= MIN_LAYER_SIZE / 2)
            throw new IllegalStateException("fixture layer sizes drifted: " + layers.stream().map(l -> l.blob().length).toList());
        return image(platform, layers);
    }

    /** Only tiny layers: nothing to index at any sensible minimum layer size. */
    static Image tinyImage(Random random, Platform platform) throws IOException {
        return image(platform, List.of(layer(random, 2), layer(random, 2)));
    }

    private static Image image(Platform platform, List<Layer> layers) {
        byte[] config = "{\"architecture\":\"%s\",\"os\":\"%s\"%s,\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .formatted(platform.architecture(), platform.os(), platform.variant() == null ? "" : ",\"variant\":\"" + platform.variant() + "\"")
                .getBytes(StandardCharsets.UTF_8);
        ImageManifest m = ImageManifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, config), layers.stream().map(Layer::descriptor).toList());
        return new Image(platform, config, layers, RawManifest.of(m));
    }

    private static Layer layer(Random random, int entries) throws IOException {
        RandomLayer tar = RandomLayer.builder(random).entryCount(entries).maxFileSizeBytes(entries > 5 ? 40 << 10 : 200)
                .spanSizeBytes(SPAN_SIZE).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(tar.tar());
        }
        return new Layer(out.toByteArray(), tar);
    }

    /** Writes config, layers and manifest (tagged when {@code tag} is not null). */
    /**
     * Writes a random {@link #image} as {@code <registry>/app:v1} and converts it with {@code soci convert}
     * (64 KiB spans, layers over 50 KB indexed) to {@code <registry>/app:soci}, which it returns.
     */
    static Image writeConverted(dev.soci4j.oci.RegistryClient client, String registry, Random random, Path work) throws IOException {
        dev.soci4j.oci.ImageReference ref = dev.soci4j.oci.ImageReference.parse(registry + "/app:v1");
        Image image = image(random, AMD64);
        write(new dev.soci4j.oci.layout.RegistryImageStore(client, ref), image, ref.tag(), work.resolve("scratch"));
        dev.soci4j.cli.Soci.Run convert = dev.soci4j.cli.Soci.run("convert", ref.toString(), registry + "/app:soci", "--plain-http",
                "--root", work.resolve("store").toString(), "--min-layer-size", "50000", "--span-size", "65536");
        if (convert.exitCode() != 0) throw new IOException("soci convert failed: " + convert);
        return image;
    }

    static void write(ImageStore store, Image image, String tag, Path scratch) throws IOException {
        putBlob(store, Descriptor.of(MediaTypes.OCI_CONFIG, image.config()), image.config(), scratch);
        for (Layer l : image.layers()) putBlob(store, l.descriptor(), l.blob(), scratch);
        store.putManifest(image.manifest(), tag);
    }

    /** Writes the images and an OCI index over them, tagged. */
    static RawManifest writeIndex(ImageStore store, List<Image> images, String tag, Path scratch) throws IOException {
        List<Descriptor> entries = new ArrayList<>();
        for (Image image : images) {
            write(store, image, null, scratch);
            entries.add(image.manifest().descriptor().withPlatform(image.platform()));
        }
        RawManifest index = RawManifest.of(ImageIndex.of(entries));
        store.putManifest(index, tag);
        return index;
    }

    private static void putBlob(ImageStore store, Descriptor d, byte[] bytes, Path scratch) throws IOException {
        Files.createDirectories(scratch);
        Path file = Files.createTempFile(scratch, "blob", ".bin");
        try {
            Files.write(file, bytes);
            store.putBlob(d, file);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
