package dev.soci4j.oci.registry;

import dev.soci4j.oci.Digest;
import dev.soci4j.oci.ManifestNotFoundException;
import dev.soci4j.oci.RegistryException;
import dev.soci4j.oci.http.Request;
import dev.soci4j.oci.http.Response;

/** {@code DELETE /v2/<name>/manifests/<digest>} (the registry must have deletes enabled). */
final class ManifestDeleter implements RegistryEndpoint<Boolean> {
    private final RegistryHost host;
    private final String repository;
    private final Digest digest;

    ManifestDeleter(RegistryHost host, String repository, Digest digest) {
        this.host = host;
        this.repository = repository;
        this.digest = digest;
    }

    @Override
    public String describe() {
        return "delete manifest %s from %s/%s".formatted(digest, host.registry(), repository);
    }

    @Override
    public Request request() {
        return Request.of("DELETE", host.uri(repository + "/manifests/" + digest), Scopes.delete(repository));
    }

    @Override
    public Boolean onSuccess(Response response) {
        return true;
    }

    @Override
    public RegistryException notFound(int status, String detail) {
        return new ManifestNotFoundException(describe(), status, detail);
    }
}
