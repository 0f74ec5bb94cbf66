package dev.soci4j.oci.layout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soci4j.oci.BlobNotFoundException;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.DigestMismatchException;
import dev.soci4j.oci.ManifestNotFoundException;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.manifest.ImageIndex;
import dev.soci4j.oci.manifest.ManifestJson;
import dev.soci4j.oci.manifest.RawManifest;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import dev.soci4j.oci.VerifyingChannel;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An OCI image layout directory (image-spec image-layout.md): {@code oci-layout}, {@code index.json},
 * {@code blobs/sha256/<hex>}. Tags are {@code org.opencontainers.image.ref.name} annotations in
 * index.json; untagged manifests (referrers) are listed there too, as skopeo and oras do. Blobs are
 * verified on the way in and out. Updates to index.json are synchronized within this object only.
 */
public final class OciLayoutDirectory implements ImageStore {
    private static final byte[] LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private final Path root;

    private OciLayoutDirectory(Path root) {
        this.root = root;
    }

    /** Opens an existing layout, or creates an empty one. */
    public static OciLayoutDirectory open(Path root) throws IOException {
        Files.createDirectories(root.resolve("blobs").resolve(Digest.ALGORITHM));
        if (!Files.exists(root.resolve("oci-layout"))) Files.write(root.resolve("oci-layout"), LAYOUT);
        else {
            JsonNode layout = ManifestJson.MAPPER.readTree(root.resolve("oci-layout").toFile());
            if (!layout.path("imageLayoutVersion").asText().startsWith("1."))
                throw new IOException("%s: unsupported imageLayoutVersion %s".formatted(root, layout.path("imageLayoutVersion")));
        }
        if (!Files.exists(root.resolve("index.json"))) Files.write(root.resolve("index.json"), ManifestJson.write(ImageIndex.of(List.of())));
        return new OciLayoutDirectory(root);
    }

    public Path root() {
        return root;
    }

    public Path blobPath(Digest digest) {
        return root.resolve("blobs").resolve(Digest.ALGORITHM).resolve(digest.hex());
    }

    public synchronized ImageIndex index() throws IOException {
        return ManifestJson.MAPPER.readValue(Files.readAllBytes(root.resolve("index.json")), ImageIndex.class);
    }

    @Override
    public RawManifest manifest(String reference) throws IOException {
        Descriptor d = null;
        for (Descriptor entry : index().manifests()) {
            if (reference.equals(entry.annotations().get(Descriptor.REF_NAME)) || reference.equals(entry.digest().toString())) {
                d = entry;
                break;
            }
        }
        if (d == null && reference.startsWith(Digest.ALGORITHM + ":") && Files.exists(blobPath(Digest.parse(reference)))) {
            byte[] bytes = readVerified(Digest.parse(reference));
            return new RawManifest(sniff(bytes), bytes);
        }
        if (d == null) throw new ManifestNotFoundException("read manifest %s from layout %s".formatted(reference, root), 0, "not in index.json");
        return new RawManifest(d.mediaType(), readVerified(d.digest()));
    }

    private static String sniff(byte[] bytes) throws IOException {
        JsonNode tree = ManifestJson.MAPPER.readTree(bytes);
        if (tree.hasNonNull("mediaType")) return tree.get("mediaType").asText();
        return tree.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    }

    private byte[] readVerified(Digest digest) throws IOException {
        Path p = blobPath(digest);
        if (!Files.exists(p)) throw new BlobNotFoundException("read blob %s from layout %s".formatted(digest, root), 0, "no such file");
        if (Files.size(p) > RawManifest.MAX_BYTES) throw new IOException("manifest %s in %s exceeds %d bytes".formatted(digest, root, RawManifest.MAX_BYTES));
        byte[] bytes = Files.readAllBytes(p);
        Digest actual = Digest.of(bytes);
        if (!actual.equals(digest)) throw new DigestMismatchException("manifest in layout " + root, digest, actual, bytes.length);
        return bytes;
    }

    @Override
    public boolean hasBlob(Descriptor blob) {
        return Files.exists(blobPath(blob.digest()));
    }

    @Override
    public void fetchBlob(Descriptor blob, Path target) throws IOException {
        Path source = blobPath(blob.digest());
        if (!Files.exists(source)) throw new BlobNotFoundException("read blob %s from layout %s".formatted(blob.digest(), root), 0, "no such file");
        copyVerified(source, blob, target);
    }

    @Override
    public ReadableByteChannel openBlob(Descriptor blob) throws IOException {
        Path source = blobPath(blob.digest());
        if (!Files.exists(source)) throw new BlobNotFoundException("read blob %s from layout %s".formatted(blob.digest(), root), 0, "no such file");
        return new VerifyingChannel(FileChannel.open(source), blob, "blob %s in layout %s".formatted(blob.digest(), root));
    }

    @Override
    public void putBlob(Descriptor blob, Path file) throws IOException {
        Path target = blobPath(blob.digest());
        if (Files.exists(target)) return;
        copyVerified(file, blob, target);
    }

    @Override
    public void putBlob(Descriptor blob, ReadableByteChannel body) throws IOException {
        Path target = blobPath(blob.digest());
        if (Files.exists(target)) return;
        Path part = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".part");
        try {
            MessageDigest hasher = Digest.newHasher();
            long n = 0;
            try (FileChannel out = FileChannel.open(part, java.nio.file.StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 20);
                for (int r; (r = body.read(buf)) >= 0; ) {
                    buf.flip();
                    hasher.update(buf.duplicate());
                    while (buf.hasRemaining()) out.write(buf);
                    buf.clear();
                    n += r;
                    if (n > blob.size()) throw new DigestMismatchException("blob stream for layout " + root + " (longer than the descriptor's "
                            + blob.size() + " bytes)", blob.digest(), Digest.of(hasher), n);
                }
            }
            Digest actual = Digest.of(hasher);
            if (n != blob.size() || !actual.equals(blob.digest())) throw new DigestMismatchException("blob stream for layout " + root, blob.digest(), actual, n);
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Copies through a part file next to the target, hashing as it goes; publishes only a verified copy. */
    private static void copyVerified(Path source, Descriptor blob, Path target) throws IOException {
        Path part = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".part");
        try {
            MessageDigest hasher = Digest.newHasher();
            long n = 0;
            try (InputStream in = Files.newInputStream(source); OutputStream out = Files.newOutputStream(part)) {
                byte[] buf = new byte[1 << 20];
                for (int r; (r = in.read(buf)) >= 0; n += r) {
                    hasher.update(buf, 0, r);
                    out.write(buf, 0, r);
                }
            }
            Digest actual = Digest.of(hasher);
            if (n != blob.size() || !actual.equals(blob.digest())) throw new DigestMismatchException("blob " + source, blob.digest(), actual, n);
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    @Override
    public synchronized void putManifest(RawManifest manifest, String tag) throws IOException {
        Path blob = blobPath(manifest.digest());
        if (!Files.exists(blob)) {
            Path part = Files.createTempFile(blob.getParent(), ".manifest", ".part");
            Files.write(part, manifest.bytes());
            Files.move(part, blob, StandardCopyOption.ATOMIC_MOVE);
        }
        ImageIndex index = index();
        List<Descriptor> entries = new ArrayList<>();
        Descriptor entry = manifest.descriptor();
        boolean isReferrer = manifest.parse().subjectIfAny().isPresent();
        if (tag != null) entry = entry.withAnnotation(Descriptor.REF_NAME, tag);
        for (Descriptor d : index.manifests()) {
            String name = d.annotations().get(Descriptor.REF_NAME);
            if (tag != null && tag.equals(name)) continue;                   // the tag moves
            if (d.digest().equals(manifest.digest()) && name == null) continue; // re-listed below
            entries.add(d);
        }
        if (tag != null || isReferrer) entries.add(entry);
        if (entries.equals(index.manifests())) return;
        Path part = Files.createTempFile(root, ".index", ".json");
        Files.write(part, ManifestJson.write(index.withManifests(entries)));
        Files.move(part, root.resolve("index.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public List<Descriptor> referrers(Digest subject) throws IOException {
        List<Descriptor> out = new ArrayList<>();
        for (Descriptor d : index().manifests()) {
            if (!MediaTypes.isManifest(d.mediaType()) && !MediaTypes.isIndex(d.mediaType())) continue;
            var parsed = new RawManifest(d.mediaType(), readVerified(d.digest())).parse();
            if (parsed.subjectIfAny().map(s -> Objects.equals(s.digest(), subject)).orElse(false))
                out.add(d.withAnnotations(parsed.annotations()).withArtifactType(
                        parsed instanceof dev.soci4j.oci.manifest.ImageManifest m ? m.effectiveArtifactType() : null));
        }
        return out;
    }

    @Override
    public String describe() {
        return "OCI layout " + root;
    }
}
