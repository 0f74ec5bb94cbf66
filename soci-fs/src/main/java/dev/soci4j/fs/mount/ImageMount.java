package dev.soci4j.fs.mount;

import dev.soci4j.fs.fetch.BackgroundFetcher;
import dev.soci4j.fs.fetch.RegistryBlobSource;
import dev.soci4j.fs.fuse.FuseMount;
import dev.soci4j.fs.fuse.KernelMounts;
import dev.soci4j.fs.layer.LayerFilesystem;
import dev.soci4j.fs.layer.LayerTree;
import dev.soci4j.fs.layer.MergedFilesystem;
import dev.soci4j.fs.span.LayerStats;
import dev.soci4j.fs.span.SpanCache;
import dev.soci4j.fs.span.SpanManager;
import dev.soci4j.index.IndexedLayer;
import dev.soci4j.index.SociIndex;
import dev.soci4j.index.discovery.IndexDiscovery;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.layout.RegistryImageStore;
import dev.soci4j.oci.manifest.ImageIndex;
import dev.soci4j.oci.manifest.ImageManifest;
import dev.soci4j.oci.manifest.Manifest;
import dev.soci4j.oci.manifest.RawManifest;
import dev.soci4j.ztoc.RangeSource;
import dev.soci4j.ztoc.SpanTable;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.ZtocBuilder;
import dev.soci4j.ztoc.ZtocCodec;
import dev.soci4j.ztoc.zlib.ZlibInflater;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An image mounted read-only at a directory. Each layer is a {@link LayerFilesystem}: lazy through its
 * zTOC when the SOCI index has one; downloaded whole otherwise, and served the same way from the
 * local blob. As root the layers are FUSE mounts under the state dir stacked with overlayfs at the
 * target; without root (overlayfs cannot be mounted) one FUSE mount at the target serves them merged
 * by {@link MergedFilesystem} with the same rules (see {@link MountOptions.Stacking}). {@link #close()}
 * unmounts everything and never hangs (busy mounts are detached). Not thread-safe to close twice
 * concurrently; everything else is.
 */
public final class ImageMount implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ImageMount.class);

    /** One mounted layer. */
    public record Layer(int position, Descriptor descriptor, boolean lazy, LayerStats stats, LayerFilesystem filesystem,
                        FuseMount fuse, RangeSource source, BackgroundFetcher fetcher) {
    }

    private final Path target;
    private final Path stateDir;
    private final List<Layer> layers;
    private boolean overlayMounted;
    /** The one FUSE mount of all layers at the target in {@link MountOptions.Stacking#MERGED} mode; null with overlayfs. */
    private FuseMount merged;

    private ImageMount(Path target, Path stateDir, List<Layer> layers) {
        this.target = target;
        this.stateDir = stateDir;
        this.layers = layers;
    }

    public Path target() {
        return target;
    }

    public List<Layer> layers() {
        return layers;
    }

    /** The FUSE mount serving the merged image at the target, or null when the layers are stacked with overlayfs. */
    public FuseMount merged() {
        return merged;
    }

    /**
     * Starts, on a daemon thread, the start-up work a mount will need, so it overlaps with what the
     * caller does meanwhile (parsing options, the first registry round trips): linking libc's FUSE calls,
     * zlib, and the JSON mappers (building Jackson's deserializers for manifests costs ~0.1 s the
     * first time). Optional: mount works without it, only later.
     */
    public static void warmUpInBackground() {
        Thread.ofPlatform().daemon().name("soci-warm-up").start(() -> {
            try {
                FuseMount.warmUp();
                warmUp();
                String digest = "sha256:" + "0".repeat(64);
                String descriptor = "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":1,\"annotations\":{\"a\":\"b\"},\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}";
                String index = "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"manifests\":[%s]}".formatted(MediaTypes.OCI_INDEX,
                        descriptor.formatted(MediaTypes.OCI_MANIFEST, digest));
                String manifest = "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":%s,\"layers\":[%s],\"annotations\":{\"a\":\"b\"}}"
                        .formatted(MediaTypes.OCI_MANIFEST, descriptor.formatted(MediaTypes.OCI_CONFIG, digest),
                                descriptor.formatted(MediaTypes.OCI_LAYER_GZIP, digest));
                new RawManifest(MediaTypes.OCI_INDEX, index.getBytes(java.nio.charset.StandardCharsets.UTF_8)).parse();
                new RawManifest(MediaTypes.OCI_MANIFEST, manifest.getBytes(java.nio.charset.StandardCharsets.UTF_8)).parse();
            } catch (Exception | Error e) {
                log.atDebug().setCause(e).log("start-up warm-up failed (harmless: the mount does the same work later)");
            }
        });
    }

    /** Mounts {@code image} at {@code target}; on failure, whatever was mounted is unmounted again. */
    public static ImageMount mount(RegistryClient client, ImageReference image, Path target, MountOptions options)
            throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) throw new IOException("mount point %s is not a directory".formatted(abs));
        if (KernelMounts.isMounted(abs)) throw new IOException("%s is already a mount point".formatted(abs));
        ImageReference repo = ImageReference.of(image.registry(), image.repository());
        long t0 = System.nanoTime();
        RawManifest top = client.pullManifest(image);
        phase(t0, "manifest");
        RawManifest platformManifest = top;
        if (top.parse() instanceof ImageIndex index) {
            Descriptor d = index.forPlatform(options.platform())
                    .orElseThrow(() -> new IOException("image %s has no %s manifest".formatted(image, options.platform())));
            platformManifest = client.pullManifest(repo.withDigest(d.digest()));
        }
        Manifest parsed = platformManifest.parse();
        if (!(parsed instanceof ImageManifest manifest)) throw new IOException(image + " is not an image manifest");
        phase(t0, "platform manifest");
        Optional<IndexDiscovery.Found> found = IndexDiscovery.discover(new RegistryImageStore(client, repo),
                platformManifest, options.explicitIndex(), options.v1Enabled());
        SociIndex soci = null;
        if (found.isPresent()) {
            phase(t0, "index found");
            soci = SociIndex.parse(client.pullManifest(repo.withDigest(found.get().index())));
            phase(t0, "index read");
            log.atInfo().addKeyValue("image", image).addKeyValue("index", found.get().index()).log("mounting lazily");
        } else {
            log.atWarn().addKeyValue("image", image)
                    .log("image has no SOCI index (no v2 annotation%s); downloading every layer whole"
                            .formatted(options.v1Enabled() ? " and no v1 referrer" : ""));
        }
        Path stateDir = options.stateDir();
        Files.createDirectories(stateDir.resolve("layers"));
        Files.createDirectories(stateDir.resolve("empty"));
        Files.writeString(stateDir.resolve("target"), abs.toString());
        List<Layer> layers = new ArrayList<>();
        ImageMount mount = new ImageMount(abs, stateDir, layers);
        // Every layer's zTOC (or whole blob) is fetched at once, and each layer is mounted as soon as
        // its own is in: the small layers' decode and FUSE set-up overlap the large layer's zTOC
        // download (8 MiB for 1 GiB at 4 MiB spans), instead of queueing behind it.
        List<Future<Prepared>> prepared = new ArrayList<>();
        try (ExecutorService prep = Executors.newVirtualThreadPerTaskExecutor()) {
            prep.submit(ImageMount::warmUp);
            for (int i = 0; i < manifest.layers().size(); i++) {
                Descriptor layer = manifest.layers().get(i);
                Optional<IndexedLayer> indexed = soci == null ? Optional.empty() : soci.ztocFor(layer.digest());
                int position = i;
                prepared.add(prep.submit(() -> prepare(client, repo, position, layer, indexed, options)));
            }
            try {
                boolean overlay = options.stacking().resolve() == MountOptions.Stacking.OVERLAY;
                for (int i = 0; i < prepared.size(); i++) {
                    Prepared p = await(prepared.get(i));
                    prepared.set(i, null);   // mountLayer owns its source from here
                    layers.add(mountLayer(i, manifest.layers().get(i), p, options, overlay));
                }
                if (overlay) {
                    List<Path> lowers = new ArrayList<>();
                    for (Layer l : layers.reversed()) lowers.add(l.fuse().mountPoint());
                    KernelMounts.overlay(abs, lowers, stateDir.resolve("empty"));
                    mount.overlayMounted = true;
                } else {
                    mount.merged = FuseMount.mount(abs, new MergedFilesystem(layers.stream().map(Layer::filesystem).toList()),
                            "image", options.readerThreads());
                }
                mount.writeStats();
                phase(t0, "mounted");
                return mount;
            } catch (IOException | RuntimeException e) {
                for (Future<Prepared> f : prepared) {
                    if (f != null && !f.cancel(true) && f.state() == Future.State.SUCCESS) closeQuietly(f.resultNow().source());
                }
                mount.close();
                throw e;
            }
        }
    }

    /** Debug log of how long mounting has taken so far (where a slow start goes). */
    private static void phase(long startNanos, String what) {
        log.atDebug().addKeyValue("ms", (System.nanoTime() - startNanos) / 1_000_000).log("mount phase: " + what);
    }

    /** A layer's zTOC and where its bytes come from, before anything is mounted. */
    private record Prepared(Ztoc ztoc, RangeSource source, boolean lazy, long ztocBytes) {
    }

    private static Prepared prepare(RegistryClient client, ImageReference repo, int position, Descriptor layer,
                                    Optional<IndexedLayer> indexed, MountOptions options) throws IOException {
        Path dir = options.stateDir().resolve("layers").resolve(Integer.toString(position));
        Files.createDirectories(dir.resolve("root"));
        if (indexed.isPresent()) {
            byte[] bytes = client.pullBlobBytes(repo, new Descriptor(MediaTypes.SOCI_ZTOC, indexed.get().ztoc(), indexed.get().ztocSize()));
            log.atDebug().addKeyValue("layer", position).addKeyValue("bytes", bytes.length).log("ztoc fetched");
            Ztoc ztoc = ZtocCodec.decode(bytes);
            log.atDebug().addKeyValue("layer", position).addKeyValue("files", ztoc.files().size()).log("ztoc decoded");
            return new Prepared(ztoc, new RegistryBlobSource(client, repo, layer.digest(), layer.size()), true, bytes.length);
        }
        // small layers have no zTOC: fetch whole (digest-verified by the client), index locally, serve the same way
        Path blob = dir.resolve("blob");
        client.pullBlob(repo, layer, blob);
        RangeSource source = RangeSource.ofFile(blob);
        try {
            return new Prepared(new ZtocBuilder().build(blob), source, false, 0);
        } catch (IOException | RuntimeException e) {
            closeQuietly(source);
            throw e;
        }
    }

    /** Loads zlib and initialises an inflater while the zTOCs download: the first read should not pay for it. */
    private static Void warmUp() {
        try (ZlibInflater inflater = ZlibInflater.open(ZlibInflater.Format.RAW)) {
            log.atTrace().addKeyValue("zlib", ZlibInflater.zlibVersion()).log("warmed up");
        } catch (Exception | Error e) {
            log.atDebug().setCause(e).log("zlib warm-up failed (the first read will say why)");
        }
        return null;
    }

    private static Prepared await(Future<Prepared> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while fetching zTOCs");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) throw io;
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new IOException(cause);
        }
    }

    private static void closeQuietly(RangeSource source) {
        try {
            source.close();
        } catch (Exception e) {
            log.atDebug().setCause(e).log("closing layer source");
        }
    }

    /** The layer's file system over its zTOC; mounted on its own under the state dir only when {@code ownMount} (overlayfs). */
    private static Layer mountLayer(int position, Descriptor layer, Prepared prepared, MountOptions options, boolean ownMount) throws IOException {
        Path dir = options.stateDir().resolve("layers").resolve(Integer.toString(position));
        Path root = dir.resolve("root");
        Ztoc ztoc = prepared.ztoc();
        RangeSource source = prepared.source();
        LayerStats stats = new LayerStats();
        stats.ztocBytes.set(prepared.ztocBytes());
        String name = "layer-" + position;
        FuseMount fuse;
        SpanManager spans;
        LayerFilesystem fs;
        try {
            spans = new SpanManager(layer.digest().toString(), SpanTable.of(ztoc), source,
                    new SpanCache(dir.resolve("cache"), options.cacheLimitBytes()), stats);
            fs = new LayerFilesystem(LayerTree.of(ztoc.files()), spans, ztoc.uncompressedArchiveSize());
            fuse = ownMount ? FuseMount.mount(root, fs, name, options.readerThreads()) : null;
        } catch (IOException | RuntimeException e) {
            closeQuietly(source);
            throw e;
        }
        BackgroundFetcher fetcher = prepared.lazy() && options.backgroundFetch() ? BackgroundFetcher.start(name, spans) : null;
        log.atInfo().addKeyValue("layer", layer.digest()).addKeyValue("lazy", prepared.lazy())
                .addKeyValue("entries", ztoc.files().size()).log("mounted layer");
        return new Layer(position, layer, prepared.lazy(), stats, fs, fuse, source, fetcher);
    }

    /** Writes the per-layer counters to the stats file (what {@code soci mount --stats} prints). */
    public void writeStats() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Layer l : layers) {
            sb.append("layer=").append(l.position()).append(" digest=").append(l.descriptor().digest())
                    .append(" lazy=").append(l.lazy()).append(" size=").append(l.descriptor().size());
            l.stats().snapshot().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
            sb.append('\n');
        }
        Path tmp = stateDir.resolve("stats.txt.tmp");
        Files.writeString(tmp, sb);
        Files.move(tmp, MountState.statsFile(stateDir), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public synchronized void close() {
        if (merged != null) {
            merged.close();
            merged = null;
        }
        if (overlayMounted) {
            KernelMounts.unmount(target);
            overlayMounted = false;
        }
        for (Layer l : layers.reversed()) {
            if (l.fetcher() != null) l.fetcher().close();
            if (l.fuse() != null) l.fuse().close();
            l.filesystem().close();
            try {
                l.source().close();
            } catch (Exception e) {
                log.atDebug().setCause(e).log("closing layer source");
            }
        }
        layers.clear();
    }
}
