package dev.soci4j.index;

import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.Platform;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.manifest.RawManifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Real tar+gzip layers and images built from them, for tests. Deterministic for a given Random. */
final class TestLayers {
    private TestLayers() {}

    /** A layer: its blob, media type, and the names of its tar entries in order. */
    record Layer(byte[] blob, String mediaType, List<String> names) {
        Descriptor descriptor() {
            return Descriptor.of(mediaType, blob);
        }
    }

    /** An image: config, layers, manifest bytes (OCI or Docker). */
    record Image(Platform platform, byte[] config, List<Layer> layers, RawManifest manifest) {}

    /** A tar of a directory and {@code files} random files (compressible halves, so gzip spans are real), optionally with an xattr or an opaque whiteout. */
    static Layer layer(Random random, String prefix, int files, int maxFileBytes, boolean xattr, boolean opaque, boolean gzip) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        List<String> names = new ArrayList<>();
        entry(tar, prefix + "/", '5', new byte[0], names);
        if (xattr) pax(tar, "SCHILY.xattr.user.soci", "yes");
        for (int i = 0; i < files; i++) {
            byte[] data = new byte[1 + random.nextInt(maxFileBytes)];
            random.nextBytes(data);
            for (int j = data.length / 2; j < data.length; j++) data[j] = (byte) ('a' + j % 7); // half compressible
            entry(tar, prefix + "/file-" + i + ".bin", '0', data, names);
        }
        if (opaque) entry(tar, prefix + "/.wh..wh..opq", '0', new byte[0], names);
        tar.write(new byte[1024]);
        byte[] bytes = tar.toByteArray();
        if (!gzip) return new Layer(bytes, MediaTypes.OCI_LAYER, names);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return new Layer(out.toByteArray(), MediaTypes.OCI_LAYER_GZIP, names);
    }

    static Image image(Platform platform, List<Layer> layers, boolean docker) {
        String config = "{\"architecture\":\"%s\",\"os\":\"%s\"%s,\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .formatted(platform.architecture(), platform.os(), platform.variant() == null ? "" : ",\"variant\":\"" + platform.variant() + "\"");
        byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"")
                .append(docker ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST).append("\",\"config\":")
                .append(desc(docker ? MediaTypes.DOCKER_CONFIG : MediaTypes.OCI_CONFIG, Descriptor.of("x", configBytes))).append(",\"layers\":[");
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            String mt = docker && l.mediaType().equals(MediaTypes.OCI_LAYER_GZIP) ? MediaTypes.DOCKER_LAYER_GZIP : l.mediaType();
            json.append(i == 0 ? "" : ",").append(desc(mt, l.descriptor()));
        }
        json.append("]}");
        List<Layer> typed = layers.stream().map(l -> docker && l.mediaType().equals(MediaTypes.OCI_LAYER_GZIP)
                ? new Layer(l.blob(), MediaTypes.DOCKER_LAYER_GZIP, l.names()) : l).toList();
        return new Image(platform, configBytes, typed, new RawManifest(docker ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST,
                json.toString().getBytes(StandardCharsets.UTF_8)));
    }

    static String desc(String mediaType, Descriptor d) {
        return "{\"mediaType\":\"%s\",\"size\":%d,\"digest\":\"%s\"}".formatted(mediaType, d.size(), d.digest());
    }

    /** Pushes blobs and the manifest (by digest, or tagged when {@code tag} is set). */
    static void push(RegistryClient client, ImageReference repo, Image image, String tag) throws IOException {
        client.pushBlob(repo, image.config());
        for (Layer l : image.layers()) client.pushBlob(repo, l.blob());
        client.pushManifest(tag == null ? repo.withDigest(image.manifest().digest()) : repo.withTag(tag), image.manifest());
    }

    /** Pushes the images and a manifest list (Docker) or OCI index over them, tagged. */
    static RawManifest pushIndex(RegistryClient client, ImageReference repo, List<Image> images, boolean docker, String tag) throws IOException {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"")
                .append(docker ? MediaTypes.DOCKER_MANIFEST_LIST : MediaTypes.OCI_INDEX).append("\",\"manifests\":[");
        for (int i = 0; i < images.size(); i++) {
            Image im = images.get(i);
            push(client, repo, im, null);
            Descriptor d = im.manifest().descriptor();
            Platform p = im.platform();
            json.append(i == 0 ? "" : ",").append("{\"mediaType\":\"%s\",\"size\":%d,\"digest\":\"%s\",\"platform\":{\"architecture\":\"%s\",\"os\":\"%s\"%s}}"
                    .formatted(d.mediaType(), d.size(), d.digest(), p.architecture(), p.os(), p.variant() == null ? "" : ",\"variant\":\"" + p.variant() + "\""));
        }
        json.append("]}");
        RawManifest index = new RawManifest(docker ? MediaTypes.DOCKER_MANIFEST_LIST : MediaTypes.OCI_INDEX, json.toString().getBytes(StandardCharsets.UTF_8));
        client.pushManifest(repo.withTag(tag), index);
        return index;
    }

    private static void pax(ByteArrayOutputStream tar, String key, String value) throws IOException {
        String body = key + "=" + value + "\n";
        int len = body.length() + 3;
        String rec = len + " " + body;
        if (rec.length() != len) rec = (len + 1) + " " + body;
        entry(tar, "PaxHeaders/x", 'x', rec.getBytes(StandardCharsets.UTF_8), null);
    }

    private static void entry(ByteArrayOutputStream tar, String name, char type, byte[] data, List<String> names) throws IOException {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, type == '5' ? "0000755" : "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", data.length));
        put(h, 136, String.format("%011o", 1_700_000_000L));
        h[156] = (byte) type;
        put(h, 257, "ustar");
        h[263] = '0';
        h[264] = '0';
        for (int i = 148; i < 156; i++) h[i] = ' ';
        long sum = 0;
        for (byte b : h) sum += b & 0xff;
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        tar.write(h);
        tar.write(data);
        tar.write(new byte[(512 - data.length % 512) % 512]);
        if (names != null) names.add(name);
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }
}
