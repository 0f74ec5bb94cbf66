package dev.soci4j.index.build;

import dev.soci4j.index.store.IndexStore;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.layout.ImageStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts blobs into a destination store before any manifest that names them: image blobs from the
 * source (skipped when present, mounted when both are repositories of one registry, else copied
 * through a temp file) and SOCI blobs from the local store. Transfers run on virtual threads; the
 * registry client bounds them per host. On the first failure the siblings are cancelled and that
 * failure is rethrown.
 */
public final class BlobPublisher {
    private static final Logger log = LoggerFactory.getLogger(BlobPublisher.class);

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
        Path scratch = Files.createTempDirectory("soci4j-blobs");
        try {
            runAll(unique.values().stream().map(b -> (Task) () -> copyOne(source, sourceRepo, b, scratch)).toList());
        } finally {
            try (var files = Files.list(scratch)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(scratch);
        }
    }

    /** Uploads blobs held by the local store (zTOCs, the empty config). */
    public void pushStored(IndexStore store, List<Descriptor> blobs) throws IOException {
        Map<String, Descriptor> unique = new LinkedHashMap<>();
        for (Descriptor b : blobs) unique.putIfAbsent(b.digest().toString(), b);
        runAll(unique.values().stream().map(b -> (Task) () -> {
            if (!target.hasBlob(b)) target.putBlob(b, store.blobPath(b.digest()));
        }).toList());
    }

    private void copyOne(ImageStore source, ImageReference sourceRepo, Descriptor blob, Path scratch) throws IOException {
        if (target.hasBlob(blob)) return;
        if (client != null && sourceRepo != null && targetRepo != null && sourceRepo.registry().equals(targetRepo.registry())
                && client.mountBlob(targetRepo, sourceRepo, blob.digest())) {
            log.atDebug().addKeyValue("layer", blob.digest()).addKeyValue("from", sourceRepo.repository()).log("mounted blob");
            return;
        }
        Path tmp = scratch.resolve(blob.digest().hex());
        try {
            source.fetchBlob(blob, tmp);
            target.putBlob(blob, tmp);
        } finally {
            Files.deleteIfExists(tmp);
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
