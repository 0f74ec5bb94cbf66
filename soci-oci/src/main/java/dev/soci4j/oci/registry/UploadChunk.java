package dev.soci4j.oci.registry;

import dev.soci4j.oci.RegistryException;
import dev.soci4j.oci.http.Request;
import dev.soci4j.oci.http.RequestBody;
import dev.soci4j.oci.http.Response;
import java.net.URI;

/**
 * {@code PATCH <location>} with {@code Content-Range: <start>-<end>}: one chunk of a chunked upload
 * (distribution-spec "Pushing a blob in chunks"); the answer's Location continues the session.
 */
final class UploadChunk implements RegistryEndpoint<URI> {
    private final RegistryHost host;
    private final String repository;
    private final URI location;
    private final long start;
    private final RequestBody chunk;

    UploadChunk(RegistryHost host, String repository, URI location, long start, RequestBody chunk) {
        this.host = host;
        this.repository = repository;
        this.location = location;
        this.start = start;
        this.chunk = chunk;
    }

    @Override
    public String describe() {
        return "upload bytes %d-%d to %s/%s".formatted(start, start + chunk.length() - 1, host.registry(), repository);
    }

    @Override
    public Request request() {
        return Request.of("PATCH", location, Scopes.push(repository))
                .withHeader("content-type", "application/octet-stream")
                .withHeader("content-range", start + "-" + (start + chunk.length() - 1))
                .withBody(chunk);
    }

    @Override
    public URI onSuccess(Response response) throws RegistryException {
        String next = response.header("location").orElseThrow(
                () -> new RegistryException(describe(), response.status(), "no Location to continue the upload"));
        return response.request().uri().resolve(next);
    }
}
