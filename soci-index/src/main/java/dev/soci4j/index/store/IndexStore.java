package dev.soci4j.index.store;

import dev.soci4j.index.IndexedLayer;
import dev.soci4j.index.SociIndex;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.manifest.RawManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local artifact store ({@code --root}): content-addressed blobs ({@code blobs/sha256/<hex>})
 * and an artifacts database ({@code artifacts/<hex>.json}, one record per index or zTOC). Every
 * write is temp file + fsync + atomic rename, so a crash leaves either the old or the new state plus
 * ignorable temp files; {@link #rebuildDb()} resyncs the records from the blobs. Blobs are always
 * written before the records that name them. Thread-safe within and across processes for adds;
 * removals assume no concurrent build on the same root.
 */
public final class IndexStore {
    private static final Logger log = LoggerFactory.getLogger(IndexStore.class);
    /** Where root's store lives, like the reference's /var/lib/soci-snapshotter-grpc. */
    public static final Path SYSTEM_ROOT = Path.of("/var/lib/soci4j");

    private final Path root;
    private final BlobDirectory blobs;
    private final RecordDirectory records;
    private final Clock clock;

    private IndexStore(Path root, Clock clock) throws IOException {
        this.root = root;
        this.blobs = new BlobDirectory(root.resolve("blobs").resolve(Digest.ALGORITHM));
        this.records = new RecordDirectory(root.resolve("artifacts"));
        this.clock = clock;
    }

    public static IndexStore open(Path root) throws IOException {
        return open(root, Clock.systemUTC());
    }

    public static IndexStore open(Path root, Clock clock) throws IOException {
        return new IndexStore(root.toAbsolutePath().normalize(), clock);
    }

    /**
     * The default root: {@code /var/lib/soci4j} for root, else {@code $XDG_DATA_HOME/soci4j}, else
     * {@code ~/.local/share/soci4j} (XDG base directory spec).
     */
    public static Path defaultRoot() {
        if ("root".equals(System.getProperty("user.name"))) return SYSTEM_ROOT;
        String xdg = System.getenv("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) return Path.of(xdg, "soci4j");
        return Path.of(System.getProperty("user.home"), ".local", "share", "soci4j");
    }

    public Path root() {
        return root;
    }

    // ---- blobs ----

    /** Stores bytes (idempotent); returns their digest. */
    public Digest putBlob(byte[] bytes) throws IOException {
        return blobs.put(bytes);
    }

    /** The verified bytes of a stored blob. */
    public byte[] readBlob(Digest digest) throws IOException {
        return blobs.read(digest);
    }

    public boolean hasBlob(Digest digest) {
        return blobs.has(digest);
    }

    /** The file holding a blob, e.g. to upload it; do not modify. */
    public Path blobPath(Digest digest) {
        return blobs.path(digest);
    }

    // ---- records ----

    public void putRecord(ArtifactRecord record) throws IOException {
        if (!blobs.has(record.digest()))
            throw new IllegalStateException("record %s names a blob the store does not have".formatted(record.digest()));
        records.put(record);
    }

    /** Stores a zTOC blob and its record; returns the record. */
    public ArtifactRecord putZtoc(byte[] ztoc, Digest layer, String layerMediaType, long spanSizeBytes, String imageRef) throws IOException {
        Digest digest = blobs.put(ztoc);
        ArtifactRecord existing = records.get(digest).orElse(null);
        ArtifactRecord record = ArtifactRecord.ztoc(digest, ztoc.length, layer, layerMediaType, spanSizeBytes, imageRef,
                existing != null ? existing.created() : clock.instant());
        if (!record.equals(existing)) records.put(record);
        return record;
    }

    /** Stores an index manifest, the empty config, and the index's record (after its zTOCs). */
    public ArtifactRecord putIndex(RawManifest index, String imageRef, String platform, Digest manifestDigest) throws IOException {
        SociIndex parsed = SociIndex.parse(index);
        for (IndexedLayer l : parsed.layers())
            if (!blobs.has(l.ztoc())) throw new IllegalStateException("index %s names zTOC %s, not in the store".formatted(index.digest(), l.ztoc()));
        blobs.put(SociIndex.EMPTY_CONFIG);
        Digest digest = blobs.put(index.bytes());
        ArtifactRecord existing = records.get(digest).orElse(null);
        ArtifactRecord record = ArtifactRecord.index(digest, index.size(), parsed.version().artifactType(), imageRef, platform,
                manifestDigest, existing != null ? existing.created() : clock.instant());
        if (!record.equals(existing)) records.put(record);
        return record;
    }

    /** A stored index manifest. */
    public RawManifest readIndex(Digest digest) throws IOException {
        return new RawManifest(MediaTypes.OCI_MANIFEST, blobs.read(digest));
    }

    /** Every readable record whose blob exists, newest first. */
    public List<ArtifactRecord> list() throws IOException {
        List<ArtifactRecord> out = new ArrayList<>(records.list().stream().filter(r -> blobs.has(r.digest())).toList());
        out.sort(Comparator.comparing(ArtifactRecord::created).reversed().thenComparing(ArtifactRecord::digest));
        return out;
    }

    public List<ArtifactRecord> list(ArtifactType type) throws IOException {
        return list().stream().filter(r -> r.type() == type).toList();
    }

    public Optional<ArtifactRecord> get(Digest digest) {
        return records.get(digest).filter(r -> blobs.has(r.digest()));
    }

    /** A stored zTOC for this layer and span size, if any (the newest). */
    public Optional<ArtifactRecord> findZtoc(Digest layer, long spanSizeBytes) throws IOException {
        return list(ArtifactType.ZTOC).stream()
                .filter(r -> layer.equals(r.layerDigest()) && r.spanSizeBytes() == spanSizeBytes)
                .findFirst();
    }

    /** Index records for an image manifest (v1 subject or v2 rewritten manifest). */
    public List<ArtifactRecord> indexesFor(Digest manifestDigest) throws IOException {
        return list(ArtifactType.INDEX).stream().filter(r -> manifestDigest.equals(r.manifestDigest())).toList();
    }

    /** What {@link #removeIndex} deleted. */
    public record Removal(Digest index, List<Digest> ztocs) {}

    /**
     * Removes an index and those of its zTOCs that no other stored index uses. The index blob goes
     * first, so a crash midway leaves only unreferenced zTOCs (still valid cache entries).
     */
    public Removal removeIndex(Digest digest) throws IOException {
        ArtifactRecord record = records.get(digest).orElse(null);
        if (record == null && !blobs.has(digest)) throw new dev.soci4j.index.IndexNotFoundException("no index " + digest + " in the local store " + root);
        if (record != null && record.type() != ArtifactType.INDEX)
            throw new IllegalArgumentException("%s is a zTOC, not an index".formatted(digest));
        SociIndex index = blobs.has(digest) ? SociIndex.parse(readIndex(digest)) : null;
        Set<Digest> usedElsewhere = new HashSet<>();
        for (ArtifactRecord other : list(ArtifactType.INDEX)) {
            if (other.digest().equals(digest)) continue;
            try {
                usedElsewhere.addAll(SociIndex.parse(readIndex(other.digest())).ztocsByDigest().keySet());
            } catch (IOException e) {
                log.atWarn().addKeyValue("index", other.digest()).log("unreadable index kept: " + e.getMessage());
            }
        }
        blobs.delete(digest);
        records.delete(digest);
        List<Digest> removed = new ArrayList<>();
        if (index != null) for (Digest ztoc : index.ztocsByDigest().keySet()) {
            if (usedElsewhere.contains(ztoc)) continue;
            blobs.delete(ztoc);
            records.delete(ztoc);
            removed.add(ztoc);
        }
        return new Removal(digest, removed);
    }

    /** What {@link #rebuildDb} did. */
    public record Rebuild(int indexes, int ztocs, int recordsAdded, int recordsRemoved, int corruptBlobsRemoved, int tempFilesRemoved) {}

    /**
     * Resyncs the records with the blobs: deletes leftover temp files and blobs that fail
     * verification, adds records for index manifests found among the blobs (and their zTOCs), drops
     * records whose blob is gone. What only the old record knew (image, platform, created) is kept.
     */
    public Rebuild rebuildDb() throws IOException {
        int temps = 0;
        for (Path p : blobs.temps()) temps += Files.deleteIfExists(p) ? 1 : 0;
        for (Path p : records.temps()) temps += Files.deleteIfExists(p) ? 1 : 0;
        Map<Digest, ArtifactRecord> old = new HashMap<>();
        for (ArtifactRecord r : records.list()) old.put(r.digest(), r);
        int corrupt = 0;
        Set<Digest> present = new HashSet<>();
        for (Digest d : blobs.list()) {
            if (blobs.verify(d)) present.add(d);
            else {
                log.atWarn().addKeyValue("digest", d).log("removed corrupt blob from the local store");
                blobs.delete(d);
                corrupt++;
            }
        }
        Map<Digest, ArtifactRecord> wanted = new HashMap<>();
        for (Digest d : present) {
            if (Files.size(blobs.path(d)) > RawManifest.MAX_BYTES) continue;
            RawManifest raw = new RawManifest(MediaTypes.OCI_MANIFEST, blobs.read(d));
            if (!SociIndex.isSociIndex(raw)) continue;
            SociIndex index;
            try {
                index = SociIndex.parse(raw);
            } catch (IOException e) {
                continue;
            }
            ArtifactRecord prev = old.get(d);
            wanted.put(d, ArtifactRecord.index(d, raw.size(), index.version().artifactType(),
                    prev != null ? prev.imageRef() : null, prev != null ? prev.platform() : null,
                    prev != null ? prev.manifestDigest() : index.subject() != null ? index.subject().digest() : null,
                    prev != null ? prev.created() : clock.instant()));
            for (IndexedLayer l : index.layers()) {
                if (!present.contains(l.ztoc()) || wanted.containsKey(l.ztoc())) continue;
                ArtifactRecord prevZ = old.get(l.ztoc());
                wanted.put(l.ztoc(), ArtifactRecord.ztoc(l.ztoc(), l.ztocSize(), l.layerDigest(), l.layerMediaType(), l.spanSizeBytes(),
                        prevZ != null ? prevZ.imageRef() : prev != null ? prev.imageRef() : null,
                        prevZ != null ? prevZ.created() : clock.instant()));
            }
        }
        // zTOCs no index names are still reusable cache entries: keep their records while the blob is there
        for (ArtifactRecord r : old.values())
            if (r.type() == ArtifactType.ZTOC && present.contains(r.digest())) wanted.putIfAbsent(r.digest(), r);
        int added = 0;
        int removed = 0;
        for (ArtifactRecord r : wanted.values()) {
            if (!r.equals(old.get(r.digest()))) {
                records.put(r);
                added++;
            }
        }
        try (var files = Files.list(records.dir())) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith(".json") || name.startsWith(".")) continue;
                String hex = name.substring(0, name.length() - ".json".length());
                if (!hex.matches("[0-9a-f]{64}") || !wanted.containsKey(new Digest(hex))) {
                    Files.deleteIfExists(f);
                    removed++;
                }
            }
        }
        int indexes = (int) wanted.values().stream().filter(r -> r.type() == ArtifactType.INDEX).count();
        return new Rebuild(indexes, wanted.size() - indexes, added, removed, corrupt, temps);
    }
}
