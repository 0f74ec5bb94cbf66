package dev.soci4j.oci.registry;

import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.RegistryException;
import dev.soci4j.oci.http.Request;
import dev.soci4j.oci.http.Response;
import java.util.Optional;

/** {@code HEAD /v2/<name>/manifests/<reference>}: the descriptor if the manifest exists. */
final class ManifestChecker implements RegistryEndpoint<Optional<Descriptor>> {
    private final RegistryHost host;
    private final String repository;
    private final String reference;

    ManifestChecker(RegistryHost host, String repository, String reference) {
        this.host = host;
        this.repository = repository;
        this.reference = reference;
    }

    @Override
    public String describe() {
        return "check manifest %s in %s/%s".formatted(reference, host.registry(), repository);
    }

    @Override
    public Request request() {
        return Request.of("HEAD", host.uri(repository + "/manifests/" + reference), Scopes.pull(repository))
                .withHeader("accept", String.join(", ", MediaTypes.ALL_MANIFESTS));
    }

    @Override
    public Optional<Descriptor> onSuccess(Response response) throws RegistryException {
        String digest = response.header("docker-content-digest").orElse(reference.startsWith("sha256:") ? reference : null);
        if (digest == null)
            throw new RegistryException(describe(), response.status(), "no Docker-Content-Digest header");
        long size = response.contentLength().orElse(0);
        String mediaType = response.header("content-type").map(MediaTypes::stripParameters).orElse(MediaTypes.OCI_MANIFEST);
        return Optional.of(new Descriptor(mediaType, Digest.parse(digest), size));
    }

    @Override
    public Optional<Optional<Descriptor>> onFailure(Response response) {
        return response.status() == 404 ? Optional.of(Optional.empty()) : Optional.empty();
    }
}
