package dev.soci4j.index.build;

import dev.soci4j.index.BuildOptions;
import dev.soci4j.index.BuildProgress;
import dev.soci4j.index.BuiltIndex;
import dev.soci4j.index.IndexedLayer;
import dev.soci4j.index.LayerIndexException;
import dev.soci4j.index.LayerOutcome;
import dev.soci4j.index.NoIndexableLayerException;
import dev.soci4j.index.SociIndex;
import dev.soci4j.index.SociVersion;
import dev.soci4j.index.UnsupportedImageException;
import dev.soci4j.index.store.ArtifactRecord;
import dev.soci4j.index.store.IndexStore;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.layout.ImageStore;
import dev.soci4j.oci.manifest.ImageManifest;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.InvalidZtocException;
import dev.soci4j.ztoc.UnsupportedLayerException;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.ZtocBuilder;
import dev.soci4j.ztoc.ZtocCodec;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the SOCI index of one image manifest ({@code soci-format.md §4}): per layer, in order,
 * skip it (below the minimum size by descriptor, before any download; or zstd), reuse the stored
 * zTOC for the same layer and span size (unless forced), or stream the blob from the source into a
 * {@link ZtocBuilder} (no disk copy, memory flat in layer size). Up to
 * {@link BuildOptions#parallelLayers()} layers at once: each on a virtual thread that reads ahead
 * from the source, the inflate and tar scan on a bounded platform pool (zlib calls pin a carrier).
 * zTOCs go into the local store as they finish; the index manifest is returned, not stored (its
 * record needs what only the caller knows). Given a {@link LayerSink} (a convert to another store),
 * each layer that is read is also uploaded as it streams ({@link TeeChannel}): read once, no temp
 * file; a failure of either side stops both and publishes nothing. Thread-safe; one build per call.
 */
public final class IndexBuilder {
    private static final Logger log = LoggerFactory.getLogger(IndexBuilder.class);
    /** Read-ahead per layer: 4 chunks of 1 MiB keep the inflater fed across network hiccups at 4 MiB per layer. */
    private static final int READ_AHEAD_CHUNK_BYTES = 1 << 20;
    private static final int READ_AHEAD_DEPTH = 4;
    /** A streamed upload sends 8 MiB per request: 12 chunks of 1 MiB let reading and inflating go on while one is in flight. */
    private static final int COPY_DEPTH = 12;
    /** Progress granularity: a bar redraw per 1 MiB is smooth and cheap. */
    private static final long PROGRESS_STEP_BYTES = 1 << 20;
    /** The basename of an opaque-directory whiteout (overlayfs convention used in image layers). */
    static final String OPAQUE_WHITEOUT = ".wh..wh..opq";

    private final IndexStore store;
    private final BuildOptions options;
    private final BuildProgress progress;

    public IndexBuilder(IndexStore store, BuildOptions options, BuildProgress progress) {
        this.store = store;
        this.options = options;
        this.progress = progress == null ? BuildProgress.NONE : progress;
    }

    /**
     * Builds the index of {@code manifest}, read from {@code source}.
     *
     * @param image   the image's name, for messages and records
     * @param subject for v1, the descriptor of the image manifest; null for v2
     * @throws UnsupportedImageException  not an image manifest (artifact config) or an unknown layer media type
     * @throws NoIndexableLayerException  no layer got a zTOC
     * @throws LayerIndexException        reading or indexing a layer failed (names the layer)
     */
    public BuiltIndex build(ImageStore source, String image, ImageManifest manifest, SociVersion version, Descriptor subject) throws IOException {
        return build(source, image, manifest, version, subject, null);
    }

    /**
     * As {@link #build(ImageStore, String, ImageManifest, SociVersion, Descriptor)}, also storing every
     * layer it reads in {@code copyTo} (null for none) while it streams. Layers it does not read
     * (skipped, or a stored zTOC reused) are left for the caller to copy.
     */
    public BuiltIndex build(ImageStore source, String image, ImageManifest manifest, SociVersion version, Descriptor subject,
                            LayerSink copyTo) throws IOException {
        checkIsImage(image, manifest);
        List<Descriptor> layers = manifest.layers();
        List<LayerOutcome> outcomes = new ArrayList<>(java.util.Collections.nCopies(layers.size(), null));
        int threads = Math.min(options.parallelLayers(), Math.max(1, layers.size()));
        Semaphore permits = new Semaphore(options.parallelLayers());
        try (ExecutorService cpu = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("soci-ztoc-", 0).daemon().factory());
             ExecutorService io = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<LayerOutcome>> futures = new ArrayList<>();
            for (Descriptor layer : layers) {
                futures.add(io.submit(() -> {
                    permits.acquire();
                    try {
                        return indexLayer(source, image, layer, cpu, io, copyTo);
                    } finally {
                        permits.release();
                    }
                }));
            }
            for (int i = 0; i < futures.size(); i++) outcomes.set(i, await(futures, i));
        }
        List<IndexedLayer> ztocs = outcomes.stream()
                .<IndexedLayer>mapMulti((o, sink) -> { if (o instanceof LayerOutcome.Indexed x) sink.accept(x.ztoc()); })
                .toList();
        if (ztocs.isEmpty())
            throw new NoIndexableLayerException("%s has no layer to index: all %d layers are below the minimum layer size of %d bytes or zstd-compressed"
                    .formatted(image, layers.size(), options.minLayerSizeBytes()));
        SociIndex index = new SociIndex(version, ztocs, version == SociVersion.V1 ? subject : null);
        return new BuiltIndex(index, index.toRawManifest(), outcomes);
    }

    private static LayerOutcome await(List<Future<LayerOutcome>> futures, int i) throws IOException {
        try {
            return futures.get(i).get();
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("index build interrupted");
        }
    }

    /** Rejects artifacts (config not an image config) and unknown layer media types, naming image and layer. */
    public static void checkIsImage(String image, ImageManifest manifest) throws UnsupportedImageException {
        String config = manifest.config().mediaType();
        if (!MediaTypes.OCI_CONFIG.equals(config) && !MediaTypes.DOCKER_CONFIG.equals(config))
            throw new UnsupportedImageException("%s is not a container image: its config media type is %s (an artifact?)".formatted(image, config));
        for (Descriptor layer : manifest.layers())
            if (LayerKind.of(layer.mediaType()).isEmpty())
                throw new UnsupportedImageException("%s: layer %s has unknown media type %s".formatted(image, layer.digest(), layer.mediaType()));
    }

    private LayerOutcome indexLayer(ImageStore source, String image, Descriptor layer, ExecutorService cpu, ExecutorService uploads,
                                    LayerSink copyTo) throws IOException {
        LayerKind kind = LayerKind.of(layer.mediaType()).orElseThrow();
        if (layer.size() < options.minLayerSizeBytes()) return finish(image, new LayerOutcome.Skipped(layer, LayerOutcome.SkipReason.BELOW_MIN_SIZE));
        if (kind == LayerKind.ZSTD) return finish(image, new LayerOutcome.Skipped(layer, LayerOutcome.SkipReason.ZSTD));
        if (!options.force()) {
            var reused = reuse(layer);
            if (reused != null) return finish(image, new LayerOutcome.Indexed(layer, reused, true));
        }
        boolean copy = copyTo != null && copyTo.needs(layer);
        progress.layerStarted(image, layer, layer.size());
        Ztoc ztoc;
        try (ReadableByteChannel blob = source.openBlob(layer)) {
            ReadableByteChannel counted = new CountingChannel(blob, PROGRESS_STEP_BYTES, n -> progress.bytesRead(layer, n, layer.size()));
            ztoc = copy ? buildAndCopy(counted, layer, copyTo, cpu, uploads) : build(counted, cpu);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnsupportedLayerException u && u.getMessage().contains("zstd"))
                return finish(image, new LayerOutcome.Skipped(layer, LayerOutcome.SkipReason.ZSTD));
            if (e.getCause() instanceof IOException io) throw new LayerIndexException(image, layer.digest(), io);
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("indexing layer %s of %s interrupted".formatted(layer.digest(), image));
        } catch (IOException e) {
            throw new LayerIndexException(image, layer.digest(), e);
        }
        byte[] bytes = ZtocCodec.encode(ztoc);
        ArtifactRecord record = store.putZtoc(bytes, layer.digest(), layer.mediaType(), options.spanSizeBytes(), image);
        IndexedLayer indexed = new IndexedLayer(record.digest(), bytes.length, layer.digest(), layer.mediaType(),
                options.spanSizeBytes(), options.optimizeXattrs() && !needsXattrs(ztoc));
        return finish(image, new LayerOutcome.Indexed(layer, indexed, false));
    }

    private Ztoc build(ReadableByteChannel blob, ExecutorService cpu) throws IOException, ExecutionException, InterruptedException {
        // one branch: the network read of the layer runs ahead of its inflate on the CPU pool
        try (TeeChannel ahead = new TeeChannel(blob, READ_AHEAD_CHUNK_BYTES, READ_AHEAD_DEPTH)) {
            return cpu.submit(() -> buildZtoc(ahead.branch(0))).get();
        }
    }

    /**
     * Builds the zTOC and uploads the layer from one read of the source. Either side's failure aborts
     * the tee, which fails the other side's next read (an upload then cancels its session, publishing
     * nothing); both are waited for, and the first failure is what is thrown.
     */
    private Ztoc buildAndCopy(ReadableByteChannel blob, Descriptor layer, LayerSink copyTo, ExecutorService cpu, ExecutorService io)
            throws IOException, ExecutionException, InterruptedException {
        try (TeeChannel tee = new TeeChannel(blob, READ_AHEAD_CHUNK_BYTES, READ_AHEAD_DEPTH, COPY_DEPTH)) {
            Future<Ztoc> built = cpu.submit(() -> {
                try {
                    return buildZtoc(tee.branch(0));
                } catch (Throwable t) {
                    tee.abort(t);
                    throw t;
                }
            });
            Future<Void> copied = io.submit(() -> {
                try (ReadableByteChannel body = tee.branch(1)) {
                    copyTo.put(layer, body);
                    return null;
                } catch (Throwable t) {
                    tee.abort(t);
                    throw t;
                }
            });
            try {
                return awaitBoth(tee, built, copied);
            } catch (InterruptedException e) {
                tee.abort(e);
                throw e;
            }
        }
    }

    /** Waits for both sides; on a failure throws the cause the tee was first aborted with (the other side's is its echo). */
    private static Ztoc awaitBoth(TeeChannel tee, Future<Ztoc> built, Future<Void> copied) throws ExecutionException, InterruptedException {
        Ztoc ztoc = null;
        try {
            ztoc = built.get();
        } catch (ExecutionException e) {
            // reported below, once the upload has stopped too
        }
        try {
            copied.get();
        } catch (ExecutionException e) {
            // as above
        }
        if (tee.failure() != null) throw new ExecutionException(tee.failure());
        return ztoc;
    }

    private Ztoc buildZtoc(ReadableByteChannel in) throws IOException {
        Ztoc z = new ZtocBuilder(options.spanSizeBytes()).build(in);
        drain(in); // the digest is checked at the end of the stream: reach it
        return z;
    }

    private IndexedLayer reuse(Descriptor layer) throws IOException {
        var record = store.findZtoc(layer.digest(), options.spanSizeBytes());
        if (record.isEmpty()) return null;
        try {
            byte[] bytes = store.readBlob(record.get().digest());
            boolean disableXattrs = options.optimizeXattrs() && !needsXattrs(ZtocCodec.decode(bytes));
            return new IndexedLayer(record.get().digest(), bytes.length, layer.digest(), layer.mediaType(), options.spanSizeBytes(), disableXattrs);
        } catch (InvalidZtocException | dev.soci4j.oci.DigestMismatchException | dev.soci4j.oci.BlobNotFoundException e) {
            log.atWarn().addKeyValue("layer", layer.digest()).addKeyValue("ztoc", record.get().digest())
                    .log("stored zTOC unusable, rebuilding: " + e.getMessage());
            return null;
        }
    }

    /**
     * Whether runtimes must look at xattrs for this layer: some entry has a {@code SCHILY.xattr.*}
     * record or is an opaque whiteout (overlayfs marks those directories with an xattr).
     */
    static boolean needsXattrs(Ztoc ztoc) {
        for (FileMetadata f : ztoc.files()) {
            if (!f.fileXattrs().isEmpty()) return true;
            String name = f.name();
            while (name.endsWith("/")) name = name.substring(0, name.length() - 1);
            if (name.substring(name.lastIndexOf('/') + 1).equals(OPAQUE_WHITEOUT)) return true;
        }
        return false;
    }

    private LayerOutcome finish(String image, LayerOutcome outcome) {
        switch (outcome) {
            case LayerOutcome.Skipped s -> log.atInfo().addKeyValue("image", image).addKeyValue("layer", s.layer().digest())
                    .addKeyValue("bytes", s.layer().size()).log("skipped: " + s.reason().message());
            case LayerOutcome.Indexed x -> log.atInfo().addKeyValue("image", image).addKeyValue("layer", x.layer().digest())
                    .addKeyValue("ztoc", x.ztoc().ztoc()).addKeyValue("reused", x.reused()).log("indexed layer");
        }
        progress.layerFinished(image, outcome);
        return outcome;
    }

    private static void drain(ReadableByteChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        while (ch.read(buf) >= 0) buf.clear();
    }
}
