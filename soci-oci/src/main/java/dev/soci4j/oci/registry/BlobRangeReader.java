package dev.soci4j.oci.registry;

import dev.soci4j.oci.BlobNotFoundException;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.RangeNotSatisfiableException;
import dev.soci4j.oci.RegistryException;
import dev.soci4j.oci.http.Request;
import dev.soci4j.oci.http.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * {@code GET /v2/<name>/blobs/<digest>} with {@code Range: bytes=<offset>-<offset+length-1>}: exactly
 * {@code length} bytes or an error. (The pipeline's range step has already checked Content-Range or
 * skipped a full 200 body to the offset.) A 416 is a {@link RangeNotSatisfiableException}. Span
 * digests are the caller's to check: the registry only knows the whole blob's.
 */
final class BlobRangeReader implements RegistryEndpoint<byte[]> {
    private final RegistryHost host;
    private final String repository;
    private final Digest digest;
    private final long offset;
    private final int length;

    BlobRangeReader(RegistryHost host, String repository, Digest digest, long offset, int length) {
        if (offset < 0 || length <= 0) throw new IllegalArgumentException("bad range: offset %d, length %d".formatted(offset, length));
        this.host = host;
        this.repository = repository;
        this.digest = digest;
        this.offset = offset;
        this.length = length;
    }

    @Override
    public String describe() {
        return "read bytes %d-%d of blob %s from %s/%s".formatted(offset, offset + length - 1, digest, host.registry(), repository);
    }

    @Override
    public Request request() {
        return Request.of("GET", host.uri(repository + "/blobs/" + digest), Scopes.pull(repository))
                .withHeader("range", "bytes=" + offset + "-" + (offset + length - 1));
    }

    @Override
    public byte[] onSuccess(Response response) throws IOException {
        // Straight into the result: readNBytes(int) would gather 16 KiB pieces and copy them again.
        byte[] bytes = new byte[length];
        InputStream body = response.body();
        int got = body.readNBytes(bytes, 0, length);
        if (got != length)
            throw new RegistryException(describe(), response.status(), "got %d of %d bytes".formatted(got, length));
        // Reach the end of a 206 so the connection goes back to the pool: closing a body before its
        // end makes java.net.http drop the connection, and the next read pays a new one.
        if (response.status() == 206) body.read();
        return bytes;
    }

    @Override
    public Optional<byte[]> onFailure(Response response) throws RangeNotSatisfiableException {
        if (response.status() == 416)
            throw new RangeNotSatisfiableException(describe(), 416,
                    "range not satisfiable" + response.header("content-range").map(c -> " (Content-Range: " + c + ")").orElse(""));
        return Optional.empty();
    }

    @Override
    public RegistryException notFound(int status, String detail) {
        return new BlobNotFoundException(describe(), status, detail);
    }
}
