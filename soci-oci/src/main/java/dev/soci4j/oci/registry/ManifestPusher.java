package dev.soci4j.oci.registry;

import dev.soci4j.oci.Digest;
import dev.soci4j.oci.RegistryException;
import dev.soci4j.oci.http.Request;
import dev.soci4j.oci.http.RequestBody;
import dev.soci4j.oci.http.Response;
import dev.soci4j.oci.manifest.RawManifest;
import java.io.IOException;

/**
 * {@code PUT /v2/<name>/manifests/<reference>} with the manifest's own media type. Reports whether
 * the registry processed the subject itself ({@code OCI-Subject} header, distribution-spec
 * "Pushing Manifests with Subject"); if not, the caller maintains the referrers fallback tag.
 */
final class ManifestPusher implements RegistryEndpoint<ManifestPusher.Pushed> {
    record Pushed(Digest digest, boolean subjectHandled) {}

    private final RegistryHost host;
    private final String repository;
    private final String reference;
    private final RawManifest manifest;

    ManifestPusher(RegistryHost host, String repository, String reference, RawManifest manifest) {
        this.host = host;
        this.repository = repository;
        this.reference = reference;
        this.manifest = manifest;
    }

    @Override
    public String describe() {
        return "push manifest %s (%s, %d bytes) to %s/%s".formatted(reference, manifest.digest().abbreviated(), manifest.size(), host.registry(), repository);
    }

    @Override
    public Request request() {
        return Request.of("PUT", host.uri(repository + "/manifests/" + reference), Scopes.push(repository))
                .withHeader("content-type", manifest.mediaType())
                .withBody(RequestBody.of(manifest.bytes()));
    }

    @Override
    public Pushed onSuccess(Response response) throws IOException {
        Digest ours = manifest.digest();
        String theirs = response.header("docker-content-digest").orElse(null);
        if (theirs != null && !theirs.equals(ours.toString()))
            throw new RegistryException(describe(), response.status(), "registry stored it as %s, expected %s".formatted(theirs, ours));
        return new Pushed(ours, response.header("oci-subject").isPresent());
    }
}
