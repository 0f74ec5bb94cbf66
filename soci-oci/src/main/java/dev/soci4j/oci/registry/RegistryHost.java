package dev.soci4j.oci.registry;

import dev.soci4j.oci.RegistryException;
import dev.soci4j.oci.RegistryUnauthorizedException;
import dev.soci4j.oci.http.HttpPipeline;
import dev.soci4j.oci.http.Request;
import dev.soci4j.oci.http.Response;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.http.RequestBody;
import dev.soci4j.oci.http.RetryPolicy;
import dev.soci4j.oci.manifest.ImageIndex;
import dev.soci4j.oci.manifest.RawManifest;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.random.RandomGenerator;
import java.util.concurrent.Semaphore;

/**
 * One registry host: its API base URI, the HTTP pipeline with its credentials, and the permits that
 * bound parallel blob transfers to it. Runs endpoints and turns failures into typed exceptions that
 * carry the endpoint's description. Thread-safe.
 */
public final class RegistryHost {
    private final String registry;
    private final URI base;
    private final HttpPipeline pipeline;
    private final Semaphore transfers;
    private final int maxTransfers;

    public RegistryHost(String registry, URI base, HttpPipeline pipeline, int maxConcurrentTransfers) {
        this.registry = registry;
        this.base = base;
        this.pipeline = pipeline;
        this.maxTransfers = maxConcurrentTransfers;
        this.transfers = new Semaphore(maxConcurrentTransfers, true);
    }

    /** The registry as named in references ({@code host[:port]}). */
    public String registry() {
        return registry;
    }

    /** {@code <base>/v2/<path>} */
    URI uri(String path) {
        return base.resolve("/v2/" + path);
    }

    // ---- operations, one endpoint class each (the RegistryClient facade maps references to these) ----

    public boolean checkApi() throws IOException {
        return call(new ApiChecker(this));
    }

    public RawManifest pullManifest(String repository, String reference, List<String> accept) throws IOException {
        return call(new ManifestPuller(this, repository, reference, accept));
    }

    public Optional<Descriptor> headManifest(String repository, String reference) throws IOException {
        return call(new ManifestChecker(this, repository, reference));
    }

    /** @return whether the registry processed the manifest's subject (OCI-Subject header) */
    public boolean pushManifest(String repository, String reference, RawManifest manifest) throws IOException {
        return call(new ManifestPusher(this, repository, reference, manifest)).subjectHandled();
    }

    public void deleteManifest(String repository, Digest digest) throws IOException {
        call(new ManifestDeleter(this, repository, digest));
    }

    public OptionalLong blobSize(String repository, Digest digest) throws IOException {
        return call(new BlobChecker(this, repository, digest));
    }

    /** Streams a blob into {@code target}, verified; see {@link BlobDownload}. */
    public void pullBlob(String repository, Descriptor blob, Path target, RetryPolicy retry, RandomGenerator jitter, java.util.concurrent.Executor cpu) throws IOException {
        transfer(() -> {
            BlobDownload.toFile(this, repository, blob, target, retry, jitter, cpu);
            return null;
        });
    }

    /** A small blob (a config) into memory, size- and digest-checked. */
    public byte[] pullBlobBytes(String repository, Descriptor blob) throws IOException {
        if (blob.size() > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("blob too large for memory: " + blob.size());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) blob.size());
        // heap buffers, hashed inline: configs are small, and the bytes end up in a heap array anyway
        BlobHasher hasher = new BlobHasher(Runnable::run, (int) Math.min(BlobStreamer.BUFFER_BYTES, Math.max(blob.size() + 1, 8192)), false);
        BlobStreamer.Streamed streamed = transfer(() -> call(new BlobStreamer(this, repository, blob.digest(), 0, blob.size(),
                java.nio.channels.Channels.newChannel(out), hasher)));
        if (streamed.stoppedBy() != null)
            throw new RegistryException("pull blob %s from %s/%s".formatted(blob.digest(), registry, repository), 0,
                    streamed.stoppedBy().toString(), streamed.stoppedBy());
        Digest actual = hasher.digest();
        if (!actual.equals(blob.digest()) || out.size() != blob.size())
            throw new dev.soci4j.oci.DigestMismatchException("blob %s from %s/%s".formatted(blob.digest(), registry, repository), blob.digest(), actual, out.size());
        return out.toByteArray();
    }

    /**
     * The blob's bytes as they arrive, resumed after a broken connection and verified at the end, hashed
     * on {@code cpu} (see {@link BlobChannel}, {@link HashedBlobChannel}). Holds a transfer permit until
     * closed, so a caller keeping more than the host's limit open at once waits for itself.
     */
    public java.nio.channels.ReadableByteChannel openBlob(String repository, Descriptor blob, RetryPolicy retry, RandomGenerator jitter, java.util.concurrent.Executor cpu) throws IOException {
        try {
            transfers.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for one of " + maxTransfers + " transfer permits to " + registry);
        }
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) transfers.release();
        };
        BlobChannel channel = new BlobChannel(this, repository, blob, retry, jitter, release).connect();
        return new HashedBlobChannel(channel, blob, "blob %s from %s/%s".formatted(blob.digest(), registry, repository), cpu);
    }

    /** {@code length} bytes at {@code offset} into {@code dst[dstOffset..]}, telling {@code progress} how many are in place as they arrive. */
    public void readBlobRange(String repository, Digest digest, long offset, byte[] dst, int dstOffset, int length,
                              java.util.function.IntConsumer progress) throws IOException {
        transfer(() -> call(new BlobRangeReader(this, repository, digest, offset, length, dst, dstOffset, progress)));
    }

    public byte[] readBlobRange(String repository, Digest digest, long offset, int length) throws IOException {
        return transfer(() -> call(new BlobRangeReader(this, repository, digest, offset, length)));
    }

    /** @return true if mounted, false if the registry opened an upload instead (which is then abandoned) */
    public boolean mountBlob(String repository, Digest digest, String fromRepository) throws IOException {
        return call(new UploadStarter(this, repository, digest, fromRepository)).mounted();
    }

    /**
     * Uploads a blob: one PUT when {@code chunkBytes} is 0 or the blob is not larger, else PATCH
     * chunks of {@code chunkBytes} then a closing PUT.
     */
    public void pushBlob(String repository, Digest digest, RequestBody content, long chunkBytes) throws IOException {
        transfer(() -> {
            URI location = call(new UploadStarter(this, repository, null, null)).location();
            if (chunkBytes <= 0 || content.length() <= chunkBytes) {
                call(new UploadCommitter(this, repository, location, digest, content));
                return null;
            }
            for (long start = 0; start < content.length(); start += chunkBytes) {
                long length = Math.min(chunkBytes, content.length() - start);
                location = call(new UploadChunk(this, repository, location, start, slice(content, start, length)));
            }
            call(new UploadCommitter(this, repository, location, digest, RequestBody.NONE));
            return null;
        });
    }

    /**
     * Uploads a blob of known size and digest from a stream, in memory chunks of {@code chunkBytes}
     * (see {@link StreamedUpload}): published only after the body ended cleanly, the session
     * cancelled on any failure. Does not close the body.
     */
    public void pushBlob(String repository, Descriptor blob, java.nio.channels.ReadableByteChannel body, int chunkBytes) throws IOException {
        transfer(() -> {
            new StreamedUpload(this, repository, blob, chunkBytes).run(body);
            return null;
        });
    }

    private static RequestBody slice(RequestBody body, long start, long length) {
        return switch (body) {
            case RequestBody.FileSlice f -> RequestBody.of(f.file(), f.offset() + start, length);
            case RequestBody.Bytes b -> RequestBody.of(java.util.Arrays.copyOfRange(b.bytes(), (int) start, (int) (start + length)));
            case RequestBody.None n -> n;
        };
    }

    /** All tags, following Link pagination. */
    public List<String> listTags(String repository, int pageSize) throws IOException {
        List<String> tags = new java.util.ArrayList<>();
        TagLister.Page page = call(new TagLister(this, repository, pageSize));
        tags.addAll(page.tags());
        for (int pages = 1; page.next() != null; pages++) {
            if (pages > 100_000) throw new RegistryException("list tags of %s/%s".formatted(registry, repository), 0, "more than 100000 pages");
            page = call(new TagLister(this, repository, page.next()));
            tags.addAll(page.tags());
        }
        return tags;
    }

    /** The referrers index from the API, or empty when the registry has no referrers API. */
    public Optional<ImageIndex> referrers(String repository, Digest subject, String artifactType) throws IOException {
        return call(new ReferrersLister(this, repository, subject, artifactType));
    }

    /** Runs a call. */
    <T> T call(RegistryEndpoint<T> endpoint) throws IOException {
        Response response = send(endpoint.describe(), endpoint.request());
        try (response) {
            if (response.isSuccessful()) {
                try {
                    return endpoint.onSuccess(response);
                } catch (RegistryException | InterruptedIOException | dev.soci4j.oci.DigestMismatchException e) {
                    throw e;
                } catch (IOException e) {
                    throw new RegistryException(endpoint.describe(), response.status(), "reading the answer: " + e, e);
                }
            }
            Optional<T> answer = endpoint.onFailure(response);
            if (answer.isPresent()) return answer.get();
            throw failure(endpoint.describe(), endpoint::notFound, response);
        }
    }

    /** Sends a request whose successful answer's body the caller streams (and closes); other answers become exceptions. */
    Response openStream(String action, Request request, NotFound notFound) throws IOException {
        Response response = send(action, request);
        if (response.isSuccessful()) return response;
        try (response) {
            throw failure(action, notFound, response);
        }
    }

    private Response send(String action, Request request) throws IOException {
        try {
            return pipeline.execute(request);
        } catch (RegistryException | InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            throw new RegistryException(action, 0, e.toString(), e);
        }
    }

    /** The exception for a 404 (endpoints know what was not found). */
    @FunctionalInterface
    interface NotFound {
        RegistryException exception(int status, String detail);
    }

    /** Runs a blob transfer once a permit is free (at most {@code maxConcurrentTransfers} at a time per host). */
    <T> T transfer(IOCallable<T> body) throws IOException {
        try {
            transfers.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for one of " + maxTransfers + " transfer permits to " + registry);
        }
        try {
            return body.call();
        } finally {
            transfers.release();
        }
    }

    @FunctionalInterface
    interface IOCallable<T> {
        T call() throws IOException;
    }

    static RegistryException failure(String action, NotFound notFound, Response response) {
        int status = response.status();
        String detail = RegistryErrors.summarize(response.errorBody());
        if (response.attempts() > 1) detail = (detail.isEmpty() ? "" : detail + " ") + "after " + response.attempts() + " attempts";
        return switch (status) {
            case 401, 403 -> new RegistryUnauthorizedException(action, status, detail.isEmpty()
                    ? (status == 401 ? "authentication required or refused" : "permission denied") : detail);
            case 404 -> notFound.exception(status, detail);
            default -> new RegistryException(action, status, detail);
        };
    }
}
