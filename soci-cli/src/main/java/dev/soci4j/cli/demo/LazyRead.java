package dev.soci4j.cli.demo;

import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.Platform;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.manifest.ImageIndex;
import dev.soci4j.oci.manifest.ImageManifest;
import dev.soci4j.oci.manifest.RawManifest;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.LayerReader;
import dev.soci4j.ztoc.RangeSource;
import dev.soci4j.ztoc.SpanTable;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.ZtocBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's two ways of getting an image's start-up files from a registry, timed from the first
 * request: a full pull (every layer downloaded in parallel, then decompressed once, as an unpack would)
 * and a lazy start through the SOCI index ({@link LazyImage}: zTOCs, then only the spans the files
 * live in). Every file is checked against its known sha256.
 */
public final class LazyRead {
    /** One start-up file as the lazy start read it. */
    public record FileRead(String path, long size, int layer, boolean lazy, int spans, long bytesFetched,
                           long micros, boolean verified) {
    }

    /** When the first and the last start-up file were readable, from the first request on. */
    public record Timing(long firstFileMillis, long allFilesMillis, List<FileRead> reads, boolean verified) {
    }

    private final RegistryClient client;
    private final ImageReference image;
    private final Platform platform;
    private final Path scratch;

    public LazyRead(RegistryClient client, ImageReference image, Platform platform, Path scratch) {
        this.client = client;
        this.image = image;
        this.platform = platform;
        this.scratch = scratch;
    }

    /** Pulls every layer whole (in parallel), decompresses each once, then reads the files locally. */
    public Timing fullDownload(List<SampleImage.SampleFile> files) throws IOException {
        long t0 = System.nanoTime();
        Path dir = Files.createDirectories(scratch.resolve("full"));
        ImageReference repo = ImageReference.of(image.registry(), image.repository());
        RawManifest top = client.pullManifest(image);
        RawManifest manifest = top;
        if (top.parse() instanceof ImageIndex index) {
            Descriptor d = index.forPlatform(platform).orElseThrow(() -> new IOException("no " + platform + " manifest"));
            manifest = client.pullManifest(new ImageReference(repo.registry(), repo.repository(), null, d.digest()));
        }
        List<Descriptor> layers = ((ImageManifest) manifest.parse()).layers();
        List<LayerReader> readers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<LayerReader>> futures = new ArrayList<>();
            for (Descriptor layer : layers) {
                futures.add(pool.submit(() -> {
                    Path file = dir.resolve(layer.digest().hex());
                    client.pullBlob(repo, layer, file);
                    // the decompression an unpack does; the zTOC is only a way to find the files afterwards
                    return new LayerReader(new ZtocBuilder().build(file), RangeSource.ofFile(file));
                }));
            }
            for (Future<LayerReader> f : futures) readers.add(f.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IllegalStateException(e.getCause());
        }
        long ready = System.nanoTime();
        List<FileRead> reads = new ArrayList<>();
        boolean ok = true;
        for (SampleImage.SampleFile f : files) {
            long t = System.nanoTime();
            byte[] content = null;
            int layerIndex = -1;
            for (int i = readers.size() - 1; i >= 0 && content == null; i--) {
                Optional<FileMetadata> entry = readers.get(i).lookup(f.path());
                if (entry.isPresent()) {
                    content = readers.get(i).readFile(entry.get());
                    layerIndex = i;
                }
            }
            boolean verified = content != null && sha256(content).equals(f.sha256());
            ok &= verified;
            reads.add(new FileRead(f.path(), f.size(), layerIndex, false, 0, 0, (System.nanoTime() - t) / 1000, verified));
        }
        long end = System.nanoTime();
        for (LayerReader r : readers) r.close();
        long firstMillis = (ready - t0) / 1_000_000 + (reads.isEmpty() ? 0 : reads.getFirst().micros() / 1000);
        return new Timing(firstMillis, (end - t0) / 1_000_000, reads, ok);
    }

    /** Opens the image through its SOCI index and reads the files, fetching only their spans. */
    public Timing lazy(List<SampleImage.SampleFile> files) throws IOException {
        long t0 = System.nanoTime();
        AtomicLong fetched = new AtomicLong();
        Path dir = Files.createDirectories(scratch.resolve("lazy"));
        try (LazyImage lazy = LazyImage.open(client, image, platform, dir, fetched)) {
            List<FileRead> reads = new ArrayList<>();
            long first = -1;
            boolean ok = true;
            for (SampleImage.SampleFile f : files) {
                long before = fetched.get();
                long t = System.nanoTime();
                Optional<LazyImage.Found> found = lazy.find(f.path());
                byte[] content = null;
                int spans = 0;
                int layer = -1;
                boolean isLazy = false;
                if (found.isPresent()) {
                    LazyImage.Found hit = found.get();
                    FileMetadata entry = hit.layer().reader().resolveHardlinks(hit.entry());
                    content = hit.layer().reader().readFile(entry);
                    SpanTable table = hit.layer().reader().spans();
                    spans = table.spanOf(Math.max(entry.uncompressedOffset(), entry.uncompressedEnd() - 1))
                            - table.spanOf(entry.uncompressedOffset()) + 1;
                    layer = hit.layer().position();
                    isLazy = hit.layer().lazy();
                }
                long now = System.nanoTime();
                if (first < 0) first = (now - t0) / 1_000_000;
                boolean verified = content != null && sha256(content).equals(f.sha256());
                ok &= verified;
                reads.add(new FileRead(f.path(), f.size(), layer, isLazy, spans, fetched.get() - before,
                        (now - t) / 1000, verified));
            }
            return new Timing(Math.max(first, 0), (System.nanoTime() - t0) / 1_000_000, reads, ok);
        }
    }

    private static String sha256(byte[] content) {
        return HexFormat.of().formatHex(Digest.newHasher().digest(content));
    }
}
