package dev.soci4j.cli.demo;

import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.ztoc.RangeSource;
import java.io.EOFException;
import java.io.IOException;

/**
 * A layer blob in a registry, read with HTTP Range requests: what a lazy reader fetches spans from.
 * Thread-safe (each read is its own request).
 */
final class RegistryRangeSource implements RangeSource {
    private final RegistryClient client;
    private final ImageReference repository;
    private final Descriptor blob;
    private final java.util.concurrent.atomic.AtomicLong bytesRead;

    /** @param bytesRead counts every byte fetched, shared by the layers of one image */
    RegistryRangeSource(RegistryClient client, ImageReference repository, Descriptor blob,
                        java.util.concurrent.atomic.AtomicLong bytesRead) {
        this.client = client;
        this.repository = repository;
        this.blob = blob;
        this.bytesRead = bytesRead;
    }

    @Override
    public long size() {
        return blob.size();
    }

    @Override
    public void readFully(long offset, byte[] dst, int dstOffset, int length) throws IOException {
        if (offset < 0 || length < 0 || offset > blob.size() - length)
            throw new EOFException("range [%d, %d) is outside blob %s of %d bytes"
                    .formatted(offset, offset + length, blob.digest(), blob.size()));
        if (length == 0) return;
        byte[] bytes = client.readBlobRange(repository, blob.digest(), offset, length);
        bytesRead.addAndGet(bytes.length);
        if (bytes.length != length)
            throw new EOFException("registry returned %d bytes for range [%d, %d) of %s"
                    .formatted(bytes.length, offset, offset + length, blob.digest()));
        System.arraycopy(bytes, 0, dst, dstOffset, length);
    }

    @Override
    public String toString() {
        return "layer " + blob.digest() + " of " + repository;
    }
}
