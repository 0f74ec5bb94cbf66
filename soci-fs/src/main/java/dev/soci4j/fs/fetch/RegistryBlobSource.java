package dev.soci4j.fs.fetch;

import dev.soci4j.oci.Digest;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.ztoc.RangeSource;
import java.io.EOFException;
import java.io.IOException;

/**
 * A layer blob read with HTTP Range requests through the {@link RegistryClient}, which retries,
 * follows redirects and checks the Range answer. Thread-safe; the client is the caller's to close.
 */
public final class RegistryBlobSource implements RangeSource {
    private final RegistryClient client;
    private final ImageReference repository;
    private final Digest blob;
    private final long size;

    public RegistryBlobSource(RegistryClient client, ImageReference repository, Digest blob, long size) {
        this.client = client;
        this.repository = repository;
        this.blob = blob;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void readFully(long offset, byte[] dst, int dstOffset, int length) throws IOException {
        byte[] got = client.readBlobRange(repository, blob, offset, length);
        if (got.length != length)
            throw new EOFException("blob %s of %s answered %d bytes for range [%d, +%d)"
                    .formatted(blob, repository, got.length, offset, length));
        System.arraycopy(got, 0, dst, dstOffset, length);
    }

    @Override
    public String toString() {
        return repository + "@" + blob;
    }
}
