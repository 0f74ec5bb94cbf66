package dev.soci4j.index.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.manifest.ManifestJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The artifacts database: one small JSON file per artifact, {@code artifacts/<hex>.json}, each
 * replaced atomically ({@link AtomicFile}). There is no shared file to corrupt: a crash loses at most
 * the record being written, and an unreadable record is skipped (with a warning) until
 * {@code rebuild-db} restores it from the blobs. Thread-safe (the file system serializes renames).
 */
final class RecordDirectory {
    private static final Logger log = LoggerFactory.getLogger(RecordDirectory.class);
    private final Path dir;

    RecordDirectory(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    Path dir() {
        return dir;
    }

    private Path file(Digest digest) {
        return dir.resolve(digest.hex() + ".json");
    }

    void put(ArtifactRecord r) throws IOException {
        AtomicFile.write(file(r.digest()), ManifestJson.write(toJson(r)));
    }

    boolean delete(Digest digest) throws IOException {
        boolean deleted = Files.deleteIfExists(file(digest));
        if (deleted) AtomicFile.fsyncDirectory(dir);
        return deleted;
    }

    Optional<ArtifactRecord> get(Digest digest) {
        return read(file(digest));
    }

    List<ArtifactRecord> list() throws IOException {
        List<ArtifactRecord> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith(".") || !name.endsWith(".json")) continue;
                read(f).ifPresent(out::add);
            }
        }
        return out;
    }

    /** Leftover temp files of interrupted writes. */
    List<Path> temps() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(AtomicFile::isTemp).toList();
        }
    }

    private Optional<ArtifactRecord> read(Path f) {
        try {
            return Optional.of(fromJson(ManifestJson.MAPPER.readTree(Files.readAllBytes(f))));
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            log.atWarn().addKeyValue("record", f).log("unreadable artifact record skipped (soci rebuild-db restores it): " + e.getMessage());
            return Optional.empty();
        }
    }

    private static ObjectNode toJson(ArtifactRecord r) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("digest", r.digest().toString());
        n.put("type", r.type().label());
        n.put("size", r.size());
        if (r.mediaType() != null) n.put("mediaType", r.mediaType());
        if (r.imageRef() != null) n.put("imageRef", r.imageRef());
        if (r.platform() != null) n.put("platform", r.platform());
        if (r.manifestDigest() != null) n.put("manifestDigest", r.manifestDigest().toString());
        if (r.layerDigest() != null) n.put("layerDigest", r.layerDigest().toString());
        if (r.layerMediaType() != null) n.put("layerMediaType", r.layerMediaType());
        if (r.spanSizeBytes() > 0) n.put("spanSize", r.spanSizeBytes());
        n.put("created", r.created().toString());
        return n;
    }

    private static ArtifactRecord fromJson(JsonNode n) {
        return new ArtifactRecord(
                Digest.parse(n.path("digest").asText(null)),
                ArtifactType.valueOf(n.path("type").asText("").toUpperCase(java.util.Locale.ROOT)),
                n.path("size").asLong(),
                text(n, "mediaType"), text(n, "imageRef"), text(n, "platform"),
                digest(n, "manifestDigest"), digest(n, "layerDigest"), text(n, "layerMediaType"),
                n.path("spanSize").asLong(0),
                Instant.parse(n.path("created").asText()));
    }

    private static String text(JsonNode n, String key) {
        return n.hasNonNull(key) ? n.get(key).asText() : null;
    }

    private static Digest digest(JsonNode n, String key) {
        return n.hasNonNull(key) ? Digest.parse(n.get(key).asText()) : null;
    }
}
