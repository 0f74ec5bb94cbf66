package dev.soci4j.oci.registry;

import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.http.RequestBody;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;

/**
 * Uploads a blob of known size and digest from a stream (distribution-spec "Pushing Blobs"): POST
 * opens a session; every full chunk goes up as a PATCH with {@code Content-Range}; the rest goes
 * with the closing {@code PUT ?digest=}, so a blob no larger than a chunk is one monolithic PUT.
 * Chunks are held in memory, so a PATCH the retry step repeats resends the same bytes and memory is
 * one chunk whatever the blob's size.
 *
 * <p>The PUT, which is what publishes the blob, is sent only after the body has ended cleanly
 * (-1) with exactly the descriptor's size: a body that verifies as it streams (such as
 * {@link dev.soci4j.oci.VerifyingChannel}) has then checked the digest, and the registry checks it
 * again. On any failure (the body's, the registry's, an interrupt) the session is cancelled, so no
 * partial or unverified blob is ever published. Does not close the body.
 */
final class StreamedUpload {
    private final RegistryHost host;
    private final String repository;
    private final Descriptor blob;
    private final int chunkBytes;

    StreamedUpload(RegistryHost host, String repository, Descriptor blob, int chunkBytes) {
        if (chunkBytes <= 0) throw new IllegalArgumentException("chunk size must be positive, got " + chunkBytes);
        this.host = host;
        this.repository = repository;
        this.blob = blob;
        this.chunkBytes = chunkBytes;
    }

    void run(ReadableByteChannel body) throws IOException {
        URI location = host.call(new UploadStarter(host, repository, null, null)).location();
        try {
            byte[] chunk = new byte[(int) Math.min(chunkBytes, blob.size())];
            long sent = 0;
            while (blob.size() - sent > chunk.length) {
                fill(body, chunk, chunk.length, sent);
                // the chunk array is reused only after the call returned: no retry can see it change
                location = host.call(new UploadChunk(host, repository, location, sent, RequestBody.of(chunk)));
                sent += chunk.length;
            }
            int rest = (int) (blob.size() - sent);
            fill(body, chunk, rest, sent);
            expectEnd(body);
            host.call(new UploadCommitter(host, repository, location, blob.digest(),
                    rest == 0 ? RequestBody.NONE : RequestBody.of(rest == chunk.length ? chunk : Arrays.copyOf(chunk, rest))));
        } catch (IOException | RuntimeException | Error e) {
            cancel(location, e);
            throw e;
        }
    }

    /** Reads exactly {@code n} bytes into the start of {@code chunk}; an early end is a short blob. */
    private void fill(ReadableByteChannel body, byte[] chunk, int n, long offset) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(chunk, 0, n);
        while (buf.hasRemaining()) {
            if (body.read(buf) < 0)
                throw new IOException("upload blob %s to %s/%s: the stream ended after %d of the descriptor's %d bytes".formatted(
                        blob.digest(), host.registry(), repository, offset + buf.position(), blob.size()));
        }
    }

    /** The body must end here: its clean end is what says the bytes were verified. */
    private void expectEnd(ReadableByteChannel body) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        int n;
        while ((n = body.read(one)) == 0) { /* a non-blocking source may answer 0 */ }
        if (n > 0)
            throw new IOException("upload blob %s to %s/%s: the stream is longer than the descriptor's %d bytes"
                    .formatted(blob.digest(), host.registry(), repository, blob.size()));
    }

    private void cancel(URI location, Throwable cause) {
        try {
            host.call(new UploadCanceller(host, repository, location));
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
