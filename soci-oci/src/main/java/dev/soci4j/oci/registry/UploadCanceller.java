package dev.soci4j.oci.registry;

import dev.soci4j.oci.http.Request;
import dev.soci4j.oci.http.Response;
import java.net.URI;
import java.util.Optional;

/**
 * {@code DELETE <location>}: abandons an upload session (distribution-spec "Canceling an upload"),
 * so the bytes sent so far are dropped rather than left for the registry's purge. A 404 (the
 * session is already gone) is an answer, not an error.
 */
final class UploadCanceller implements RegistryEndpoint<Boolean> {
    private final RegistryHost host;
    private final String repository;
    private final URI location;

    UploadCanceller(RegistryHost host, String repository, URI location) {
        this.host = host;
        this.repository = repository;
        this.location = location;
    }

    @Override
    public String describe() {
        return "cancel blob upload to %s/%s".formatted(host.registry(), repository);
    }

    @Override
    public Request request() {
        return Request.of("DELETE", location, Scopes.push(repository));
    }

    @Override
    public Boolean onSuccess(Response response) {
        return true;
    }

    @Override
    public Optional<Boolean> onFailure(Response response) {
        return response.status() == 404 ? Optional.of(false) : Optional.empty();
    }
}
