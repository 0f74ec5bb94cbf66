package dev.soci4j.cli.demo;

import dev.soci4j.index.SociIndex;
import dev.soci4j.index.discovery.IndexDiscovery;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.Platform;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.layout.RegistryImageStore;
import dev.soci4j.oci.manifest.ImageIndex;
import dev.soci4j.oci.manifest.ImageManifest;
import dev.soci4j.oci.manifest.Manifest;
import dev.soci4j.oci.manifest.RawManifest;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.LayerReader;
import dev.soci4j.ztoc.RangeSource;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.ZtocBuilder;
import dev.soci4j.ztoc.ZtocCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An image in a registry opened the SOCI way: the platform manifest, its SOCI index (found through the
 * v2 annotation), every layer's zTOC, and readers that fetch spans with Range requests. Layers without
 * a zTOC (smaller than the minimum layer size) are downloaded whole, as the reference runtime does.
 * Files are looked up from the top layer down. The demo's small version of what {@code soci mount} does.
 */
final class LazyImage implements AutoCloseable {
    /** One layer and how it is read. */
    record Layer(int position, Descriptor descriptor, boolean lazy, LayerReader reader, RangeSource source) {
    }

    /** A file found in a layer. */
    record Found(Layer layer, FileMetadata entry) {
    }

    private final List<Layer> layers;

    private LazyImage(List<Layer> layers) {
        this.layers = layers;
    }

    static LazyImage open(RegistryClient client, ImageReference image, Platform platform, Path scratch,
                          java.util.concurrent.atomic.AtomicLong bytesRead) throws IOException {
        RawManifest top = client.pullManifest(image);
        ImageReference repo = ImageReference.of(image.registry(), image.repository());
        RawManifest platformManifest = top;
        if (top.parse() instanceof ImageIndex index) {
            Descriptor d = index.forPlatform(platform)
                    .orElseThrow(() -> new IOException("image %s has no %s manifest".formatted(image, platform)));
            platformManifest = client.pullManifest(withDigest(repo, d));
        }
        Manifest parsed = platformManifest.parse();
        if (!(parsed instanceof ImageManifest manifest)) throw new IOException(image + " is not an image");
        var found = IndexDiscovery.discover(new RegistryImageStore(client, repo), platformManifest, null, false)
                .orElseThrow(() -> new IOException("image %s has no SOCI index".formatted(image)));
        SociIndex soci = SociIndex.parse(client.pullManifest(withDigest(repo, found.index())));
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < manifest.layers().size(); i++) {
            Descriptor layer = manifest.layers().get(i);
            var indexed = soci.ztocFor(layer.digest());
            if (indexed.isPresent()) {
                byte[] ztocBytes = client.pullBlobBytes(repo, new Descriptor(dev.soci4j.oci.MediaTypes.SOCI_ZTOC,
                        indexed.get().ztoc(), indexed.get().ztocSize()));
                bytesRead.addAndGet(ztocBytes.length);
                Ztoc ztoc = ZtocCodec.decode(ztocBytes);
                RangeSource source = new RegistryRangeSource(client, repo, layer, bytesRead);
                layers.add(new Layer(i, layer, true, new LayerReader(ztoc, source), source));
            } else {
                Path file = scratch.resolve("layer-" + layer.digest().hex());
                client.pullBlob(repo, layer, file);
                bytesRead.addAndGet(layer.size());
                Ztoc ztoc = new ZtocBuilder().build(file);
                RangeSource source = RangeSource.ofFile(file);
                layers.add(new Layer(i, layer, false, new LayerReader(ztoc, source), source));
            }
        }
        return new LazyImage(List.copyOf(layers));
    }

    private static ImageReference withDigest(ImageReference repo, Descriptor d) {
        return withDigest(repo, d.digest());
    }

    private static ImageReference withDigest(ImageReference repo, dev.soci4j.oci.Digest digest) {
        return new ImageReference(repo.registry(), repo.repository(), null, digest);
    }

    List<Layer> layers() {
        return layers;
    }

    /** The file at {@code path} in the top-most layer that has it. */
    Optional<Found> find(String path) {
        for (Layer layer : layers.reversed()) {
            Optional<FileMetadata> entry = layer.reader().lookup(path);
            if (entry.isPresent()) return Optional.of(new Found(layer, entry.get()));
        }
        return Optional.empty();
    }

    @Override
    public void close() throws IOException {
        for (Layer layer : layers) {
            layer.reader().close();
            layer.source().close();
        }
    }
}
