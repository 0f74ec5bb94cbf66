package dev.soci4j.index.store;

import dev.soci4j.oci.BlobNotFoundException;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.DigestMismatchException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.stream.Stream;

/**
 * Content-addressed blobs, {@code blobs/sha256/<hex>}, as in an OCI layout. A blob is written once,
 * atomically ({@link AtomicFile}), only after its bytes hashed to its name; reads verify again.
 * Thread-safe.
 */
final class BlobDirectory {
    private final Path dir;

    BlobDirectory(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    Path path(Digest digest) {
        return dir.resolve(digest.hex());
    }

    boolean has(Digest digest) {
        return Files.isRegularFile(path(digest));
    }

    Digest put(byte[] bytes) throws IOException {
        Digest digest = Digest.of(bytes);
        Path target = path(digest);
        if (!Files.isRegularFile(target) || Files.size(target) != bytes.length) AtomicFile.write(target, bytes);
        return digest;
    }

    byte[] read(Digest digest) throws IOException {
        Path p = path(digest);
        if (!Files.isRegularFile(p)) throw new BlobNotFoundException("read blob %s from the local store %s".formatted(digest, dir), 0, "no such file");
        byte[] bytes = Files.readAllBytes(p);
        Digest actual = Digest.of(bytes);
        if (!actual.equals(digest)) throw new DigestMismatchException("blob in the local store " + p, digest, actual, bytes.length);
        return bytes;
    }

    /** Hashes the stored file; false when it does not match its name. */
    boolean verify(Digest digest) throws IOException {
        MessageDigest md = Digest.newHasher();
        try (InputStream in = Files.newInputStream(path(digest))) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return Digest.of(md).equals(digest);
    }

    boolean delete(Digest digest) throws IOException {
        return Files.deleteIfExists(path(digest));
    }

    /** Digests of every stored blob (temp files and foreign names ignored). */
    List<Digest> list() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("[0-9a-f]{64}"))
                    .sorted().map(Digest::new).toList();
        }
    }

    List<Path> temps() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(AtomicFile::isTemp).toList();
        }
    }
}
