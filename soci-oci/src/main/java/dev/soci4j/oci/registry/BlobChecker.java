package dev.soci4j.oci.registry;

import dev.soci4j.oci.Digest;
import dev.soci4j.oci.http.Request;
import dev.soci4j.oci.http.Response;
import java.util.Optional;
import java.util.OptionalLong;

/** {@code HEAD /v2/<name>/blobs/<digest>}: the size if the blob exists; a 404 is an answer, not an error. */
final class BlobChecker implements RegistryEndpoint<OptionalLong> {
    private final RegistryHost host;
    private final String repository;
    private final Digest digest;

    BlobChecker(RegistryHost host, String repository, Digest digest) {
        this.host = host;
        this.repository = repository;
        this.digest = digest;
    }

    @Override
    public String describe() {
        return "check blob %s in %s/%s".formatted(digest, host.registry(), repository);
    }

    @Override
    public Request request() {
        return Request.of("HEAD", host.uri(repository + "/blobs/" + digest), Scopes.pull(repository));
    }

    @Override
    public OptionalLong onSuccess(Response response) {
        return OptionalLong.of(response.contentLength().orElse(0));
    }

    @Override
    public Optional<OptionalLong> onFailure(Response response) {
        return response.status() == 404 ? Optional.of(OptionalLong.empty()) : Optional.empty();
    }
}
