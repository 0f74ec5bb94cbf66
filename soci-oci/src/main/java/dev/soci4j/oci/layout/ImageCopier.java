package dev.soci4j.oci.layout;

import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.manifest.ImageIndex;
import dev.soci4j.oci.manifest.ImageManifest;
import dev.soci4j.oci.manifest.Manifest;
import dev.soci4j.oci.manifest.RawManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies an image between stores, whole: every platform of an index, every blob, and (optionally)
 * the referrers of every copied manifest, such as SOCI indexes. Manifest bytes are copied as they
 * are, so digests never change. Blobs go through a temp file, in parallel on virtual threads (the
 * registry client bounds transfers per host); children are stored before their parents, so a
 * target never holds a manifest whose parts are missing.
 */
public final class ImageCopier {
    private static final Logger log = LoggerFactory.getLogger(ImageCopier.class);

    private final ImageStore source;
    private final ImageStore target;
    private final boolean withReferrers;
    private final Path scratch;
    private final Set<Digest> done = new HashSet<>();

    private ImageCopier(ImageStore source, ImageStore target, boolean withReferrers, Path scratch) {
        this.source = source;
        this.target = target;
        this.withReferrers = withReferrers;
        this.scratch = scratch;
    }

    /** Copies {@code sourceRef} (tag or digest) to {@code target}, tagged {@code targetTag} (may be null). Returns the root descriptor. */
    public static Descriptor copy(ImageStore source, String sourceRef, ImageStore target, String targetTag, boolean withReferrers) throws IOException {
        Path scratch = Files.createTempDirectory("soci4j-copy");
        try {
            ImageCopier copier = new ImageCopier(source, target, withReferrers, scratch);
            RawManifest root = source.manifest(sourceRef);
            copier.copyTree(root, targetTag);
            log.atInfo().addKeyValue("image", sourceRef).addKeyValue("from", source.describe()).addKeyValue("to", target.describe())
                    .addKeyValue("manifests", copier.done.size()).log("copied image");
            return root.descriptor();
        } finally {
            try (var files = Files.list(scratch)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(scratch);
        }
    }

    private void copyTree(RawManifest raw, String tag) throws IOException {
        if (!done.add(raw.digest())) {
            if (tag != null) target.putManifest(raw, tag);
            return;
        }
        Manifest parsed = raw.parse();
        switch (parsed) {
            case ImageIndex index -> {
                for (Descriptor child : index.manifests()) copyTree(source.manifest(child.digest().toString()), null);
            }
            case ImageManifest manifest -> {
                List<Descriptor> blobs = new ArrayList<>();
                blobs.add(manifest.config());
                blobs.addAll(manifest.layers());
                copyBlobs(blobs);
            }
        }
        target.putManifest(raw, tag);
        if (withReferrers)
            for (Descriptor referrer : source.referrers(raw.digest())) copyTree(source.manifest(referrer.digest().toString()), null);
    }

    private void copyBlobs(List<Descriptor> blobs) throws IOException {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Void>> futures = new ArrayList<>();
            for (Descriptor blob : blobs) futures.add(pool.submit(() -> {
                copyBlob(blob);
                return null;
            }));
            for (Future<Void> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    futures.forEach(other -> other.cancel(true));
                    if (e.getCause() instanceof IOException io) throw io;
                    throw new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    futures.forEach(other -> other.cancel(true));
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("copy interrupted");
                }
            }
        }
    }

    private void copyBlob(Descriptor blob) throws IOException {
        if (target.hasBlob(blob)) return;
        Path tmp = scratch.resolve(blob.digest().hex());
        try {
            source.fetchBlob(blob, tmp);
            target.putBlob(blob, tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
