package dev.soci4j.fs.fetch;

import dev.soci4j.oci.Digest;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.ztoc.Arrival;
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
        client.readBlobRange(repository, blob, offset, dst, dstOffset, length, null);
    }

    /** Reads straight into {@code dst}, reporting each piece as it lands (a span inflates while it downloads). */
    @Override
    public void readFully(long offset, byte[] dst, int dstOffset, int length, Arrival arrival) throws IOException {
        try {
            client.readBlobRange(repository, blob, offset, dst, dstOffset, length, arrival::advance);
        } catch (IOException | RuntimeException e) {
            arrival.fail(e instanceof IOException io ? io : new IOException(e));
            throw e;
        }
    }

    @Override
    public String toString() {
        return repository + "@" + blob;
    }
}
