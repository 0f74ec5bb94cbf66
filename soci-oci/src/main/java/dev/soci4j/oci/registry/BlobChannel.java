package dev.soci4j.oci.registry;

import dev.soci4j.oci.BlobNotFoundException;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.RegistryException;
import dev.soci4j.oci.http.Request;
import dev.soci4j.oci.http.Response;
import dev.soci4j.oci.http.RetryPolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v2/<name>/blobs/<digest>} as a channel: the body as it arrives, resumed with
 * {@code Range: bytes=<received>-} when the connection breaks or the body ends early (bounded by
 * the retry policy, as {@link BlobDownload} does). It only counts; {@link HashedBlobChannel} on top
 * checks size and digest. Reads go from the socket into the caller's buffer (a direct one: no copy
 * on plain HTTP). Holds one of the host's transfer permits until closed; closing early drops the
 * connection. Not thread-safe.
 */
final class BlobChannel implements ReadableByteChannel {
    private static final Logger log = LoggerFactory.getLogger(BlobChannel.class);

    private final RegistryHost host;
    private final String repository;
    private final Descriptor blob;
    private final RetryPolicy retry;
    private final RandomGenerator jitter;
    private final Runnable release;
    private Response response;
    private ReadableByteChannel body;
    private long received;
    private int attempt = 1;
    private boolean open = true;

    BlobChannel(RegistryHost host, String repository, Descriptor blob, RetryPolicy retry, RandomGenerator jitter, Runnable release) {
        this.host = host;
        this.repository = repository;
        this.blob = blob;
        this.retry = retry;
        this.jitter = jitter;
        this.release = release;
    }

    /** Sends the first request; on failure releases everything. */
    BlobChannel connect() throws IOException {
        try {
            request();
            return this;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private String describe() {
        return "pull blob %s (%d bytes%s) from %s/%s".formatted(blob.digest(), blob.size(),
                received > 0 ? ", from byte " + received : "", host.registry(), repository);
    }

    private void request() throws IOException {
        long from = received;
        Request r = Request.of("GET", host.uri(repository + "/blobs/" + blob.digest()), Scopes.pull(repository));
        response = host.openStream(describe(), from > 0 ? r.withHeader("range", "bytes=" + from + "-") : r,
                (status, detail) -> new BlobNotFoundException(describe(), status, detail));
        long length = response.contentLength().orElse(-1);
        if (response.status() == 200 && from == 0 && length >= 0 && length != blob.size()) {
            response.close();
            throw new RegistryException(describe(), 200, "Content-Length %d differs from the descriptor's size %d".formatted(length, blob.size()));
        }
        body = response.bodyChannel();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!open) throw new ClosedChannelException();
        if (!dst.hasRemaining()) return 0;
        while (true) {
            int n;
            try {
                n = body.read(dst);
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                resume(e);
                continue;
            }
            if (n >= 0) {
                received += n;
                return n;
            }
            if (received >= blob.size()) return -1;
            resume(new IOException("body ended after %d of %d bytes".formatted(received, blob.size())));
        }
    }

    private void resume(IOException cause) throws IOException {
        response.close();
        if (attempt >= retry.maxAttempts())
            throw new RegistryException("pull blob %s (%d bytes) from %s/%s".formatted(blob.digest(), blob.size(), host.registry(), repository),
                    0, "body broke off at byte %d after %d attempts: %s".formatted(received, attempt, cause), cause);
        attempt++;
        log.atDebug().addKeyValue("registry", host.registry()).addKeyValue("layer", blob.digest())
                .addKeyValue("bytes", received).addKeyValue("cause", cause.toString()).log("resuming blob stream");
        try {
            Thread.sleep(retry.delayBefore(attempt, null, jitter));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted resuming " + blob.digest());
        }
        request();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        if (!open) return;
        open = false;
        try {
            if (response != null) response.close();
        } finally {
            release.run();
        }
    }
}
