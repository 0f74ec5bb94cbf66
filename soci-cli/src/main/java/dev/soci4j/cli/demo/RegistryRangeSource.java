package dev.soci4j.cli.demo;

import dev.soci4j.fs.fetch.RegistryBlobSource;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.ztoc.RangeSource;
import java.io.EOFException;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A layer blob in a registry read with Range requests (soci-fs's {@link RegistryBlobSource}), counting
 * the bytes fetched for the demo's table. Thread-safe.
 */
final class RegistryRangeSource implements RangeSource {
    private final RegistryBlobSource blob;
    private final Descriptor descriptor;
    private final AtomicLong bytesRead;

    /** @param bytesRead counts every byte fetched, shared by the layers of one image */
    RegistryRangeSource(RegistryClient client, ImageReference repository, Descriptor descriptor, AtomicLong bytesRead) {
        this.blob = new RegistryBlobSource(client, repository, descriptor.digest(), descriptor.size());
        this.descriptor = descriptor;
        this.bytesRead = bytesRead;
    }

    @Override
    public long size() {
        return descriptor.size();
    }

    @Override
    public void readFully(long offset, byte[] dst, int dstOffset, int length) throws IOException {
        if (offset < 0 || length < 0 || offset > descriptor.size() - length)
            throw new EOFException("range [%d, %d) is outside blob %s of %d bytes"
                    .formatted(offset, offset + length, descriptor.digest(), descriptor.size()));
        if (length == 0) return;
        blob.readFully(offset, dst, dstOffset, length);
        bytesRead.addAndGet(length);
    }

    @Override
    public String toString() {
        return "layer " + blob;
    }
}
