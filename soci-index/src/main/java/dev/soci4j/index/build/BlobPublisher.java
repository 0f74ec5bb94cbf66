package dev.soci4j.index.build;

import dev.soci4j.index.store.IndexStore;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.layout.ImageStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts blobs into a destination store before any manifest that names them: image blobs from the
 * source (skipped when present, mounted when both are repositories of one registry, else streamed
 * from source to destination, verified, with no copy on disk) and SOCI blobs from the local store.
 * As a {@link #layerSink} it takes layers while the index builder streams them. Transfers run on
 * virtual threads; the registry client bounds them per host. On the first failure the siblings are
 * cancelled and that failure is rethrown.
 */
public final class BlobPublisher {
    private static final Logger log = LoggerFactory.getLogger(BlobPublisher.class);
    /**
     * Streamed copies at once. A copy between two repositories of one registry (when it declines to
     * mount) holds two of the host's transfer permits, a read and a write: half of
     * {@link RegistryClient#DEFAULT_MAX_TRANSFERS_PER_HOST}, so the copies cannot all wait for each other.
     */
    static final int PARALLEL_COPIES = RegistryClient.DEFAULT_MAX_TRANSFERS_PER_HOST / 2;

    private final ImageStore target;
    private final RegistryClient client;
    private final ImageReference targetRepo;

    /**
     * @param client     for cross-repository mounts; may be null
     * @param targetRepo the target's repository when it is a registry; null otherwise
     */
    public BlobPublisher(ImageStore target, RegistryClient client, ImageReference targetRepo) {
        this.target = target;
        this.client = client;
        this.targetRepo = targetRepo;
    }

    /** Copies image blobs from {@code source} (its repository, if on a registry, for mounts; else null). */
    public void copyFrom(ImageStore source, ImageReference sourceRepo, List<Descriptor> blobs) throws IOException {
        Map<String, Descriptor> unique = new LinkedHashMap<>();
        for (Descriptor b : blobs) unique.putIfAbsent(b.digest().toString(), b);
        Semaphore copies = new Semaphore(PARALLEL_COPIES);
        runAll(unique.values().stream().map(b -> (Task) () -> {
            if (!needs(sourceRepo, b)) return;
            acquire(copies, b);
            try (ReadableByteChannel body = source.openBlob(b)) {
                target.putBlob(b, body);
            } finally {
                copies.release();
            }
        }).toList());
    }

    /** A sink for layers as the index builder streams them from {@code sourceRepo} (null when not a registry). */
    public LayerSink layerSink(ImageReference sourceRepo) {
        return new LayerSink() {
            @Override
            public boolean needs(Descriptor layer) throws IOException {
                return BlobPublisher.this.needs(sourceRepo, layer);
            }

            @Override
            public void put(Descriptor layer, ReadableByteChannel body) throws IOException {
                target.putBlob(layer, body);
                log.atDebug().addKeyValue("layer", layer.digest()).addKeyValue("to", target.describe()).log("copied layer while indexing");
            }
        };
    }

    /** Uploads blobs held by the local store (zTOCs, the empty config). */
    public void pushStored(IndexStore store, List<Descriptor> blobs) throws IOException {
        Map<String, Descriptor> unique = new LinkedHashMap<>();
        for (Descriptor b : blobs) unique.putIfAbsent(b.digest().toString(), b);
        runAll(unique.values().stream().map(b -> (Task) () -> {
            if (!target.hasBlob(b)) target.putBlob(b, store.blobPath(b.digest()));
        }).toList());
    }

    /** Whether the target still needs the blob's bytes: not when it has the blob or could mount it. */
    private boolean needs(ImageReference sourceRepo, Descriptor blob) throws IOException {
        if (target.hasBlob(blob)) return false;
        if (client != null && sourceRepo != null && targetRepo != null && sourceRepo.registry().equals(targetRepo.registry())
                && client.mountBlob(targetRepo, sourceRepo, blob.digest())) {
            log.atDebug().addKeyValue("layer", blob.digest()).addKeyValue("from", sourceRepo.repository()).log("mounted blob");
            return false;
        }
        return true;
    }

    private static void acquire(Semaphore permits, Descriptor blob) throws InterruptedIOException {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting to copy blob " + blob.digest());
        }
    }

    private interface Task {
        void run() throws IOException;
    }

    private static void runAll(List<Task> tasks) throws IOException {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Void>> futures = new ArrayList<>();
            for (Task t : tasks) futures.add(pool.submit(() -> {
                t.run();
                return null;
            }));
            for (Future<Void> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    futures.forEach(other -> other.cancel(true));
                    if (e.getCause() instanceof IOException io) throw io;
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    throw new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    futures.forEach(other -> other.cancel(true));
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("blob transfer interrupted");
                }
            }
        }
    }
}
