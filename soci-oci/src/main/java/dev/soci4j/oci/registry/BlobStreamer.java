package dev.soci4j.oci.registry;

import dev.soci4j.oci.BlobNotFoundException;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.RegistryException;
import dev.soci4j.oci.http.Request;
import dev.soci4j.oci.http.Response;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * {@code GET /v2/<name>/blobs/<digest>} from {@code offset} (a Range request when resuming), copying
 * the body into a channel and a hasher. A connection that fails mid-body is not an error here: the
 * result says how far it got, so {@link BlobDownload} can resume from there.
 */
final class BlobStreamer implements RegistryEndpoint<BlobStreamer.Streamed> {
    /** Bytes copied, and the failure that stopped the body early, if any. */
    record Streamed(long bytes, IOException stoppedBy) {}

    /** 1 MiB chunks to the hasher and the file: larger buys nothing on loopback, smaller costs per-chunk hand-offs. */
    static final int BUFFER_BYTES = 1 << 20;

    private final RegistryHost host;
    private final String repository;
    private final Digest digest;
    private final long offset;
    private final long size;
    private final WritableByteChannel out;
    private final BlobHasher hasher;

    BlobStreamer(RegistryHost host, String repository, Digest digest, long offset, long size, WritableByteChannel out, BlobHasher hasher) {
        this.host = host;
        this.repository = repository;
        this.digest = digest;
        this.offset = offset;
        this.size = size;
        this.out = out;
        this.hasher = hasher;
    }

    @Override
    public String describe() {
        return "pull blob %s (%d bytes%s) from %s/%s".formatted(digest, size, offset > 0 ? ", from byte " + offset : "", host.registry(), repository);
    }

    @Override
    public Request request() {
        Request r = Request.of("GET", host.uri(repository + "/blobs/" + digest), Scopes.pull(repository));
        return offset > 0 ? r.withHeader("range", "bytes=" + offset + "-") : r;
    }

    @Override
    public Streamed onSuccess(Response response) throws IOException {
        long expected = size - offset;
        long length = response.contentLength().orElse(-1);
        if (response.status() == 200 && offset == 0 && length >= 0 && length != size)
            throw new RegistryException(describe(), 200, "Content-Length %d differs from the descriptor's size %d".formatted(length, size));
        long copied = 0;
        ReadableByteChannel in = response.bodyChannel();
        while (true) {
            // Fill whole buffers: a hash hand-off and a write per socket read (often 64 KiB) cost
            // more than the bytes. Direct buffers: the socket fills them and the file takes them
            // without a copy through a temporary buffer.
            ByteBuffer buf = hasher.buffer();
            buf.limit((int) Math.min(buf.capacity(), expected - copied + 1));
            boolean ended = false;
            IOException broke = null;
            try {
                while (buf.hasRemaining()) {
                    if (in.read(buf) < 0) {
                        ended = true;
                        break;
                    }
                }
            } catch (IOException e) {
                // The bytes that arrived are correct as far as the transport knows (the digest
                // check at the end decides): keep them, and let the caller resume after them.
                broke = e;
            }
            buf.flip();
            int filled = buf.remaining();
            if (copied + filled > expected) {
                hasher.release(buf);
                throw new RegistryException(describe(), response.status(), "body longer than the descriptor's %d bytes".formatted(size));
            }
            if (filled > 0) {
                hasher.update(buf);   // hashed on the CPU pool while this thread writes
                while (buf.hasRemaining()) out.write(buf);   // a failing write (disk full) is not resumable
                copied += filled;
            } else {
                hasher.release(buf);
            }
            if (broke != null) return new Streamed(copied, broke);
            if (ended) break;
        }
        return new Streamed(copied, copied < expected
                ? new IOException("body ended after %d of %d bytes".formatted(offset + copied, size)) : null);
    }

    @Override
    public RegistryException notFound(int status, String detail) {
        return new BlobNotFoundException(describe(), status, detail);
    }
}
