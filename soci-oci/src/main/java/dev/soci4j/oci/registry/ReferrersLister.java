package dev.soci4j.oci.registry;

import dev.soci4j.oci.Digest;
import dev.soci4j.oci.http.Request;
import dev.soci4j.oci.http.Response;
import dev.soci4j.oci.manifest.ImageIndex;
import dev.soci4j.oci.manifest.ManifestJson;
import dev.soci4j.oci.manifest.RawManifest;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code GET /v2/<name>/referrers/<digest>[?artifactType=]} (distribution-spec 1.1 "Listing
 * Referrers"). A registry with the API answers 200 with an index even when there are none; a 404
 * means no API, and the caller falls back to the {@code sha256-<hex>} tag. When the registry did not
 * apply the artifactType filter ({@code OCI-Filters-Applied}), it is applied here.
 */
final class ReferrersLister implements RegistryEndpoint<Optional<ImageIndex>> {
    private final RegistryHost host;
    private final String repository;
    private final Digest subject;
    private final String artifactType;

    ReferrersLister(RegistryHost host, String repository, Digest subject, String artifactType) {
        this.host = host;
        this.repository = repository;
        this.subject = subject;
        this.artifactType = artifactType;
    }

    @Override
    public String describe() {
        return "list referrers of %s in %s/%s".formatted(subject, host.registry(), repository);
    }

    @Override
    public Request request() {
        String path = repository + "/referrers/" + subject;
        if (artifactType != null) path += "?artifactType=" + URLEncoder.encode(artifactType, StandardCharsets.UTF_8);
        return Request.of("GET", host.uri(path), Scopes.pull(repository));
    }

    @Override
    public Optional<ImageIndex> onSuccess(Response response) throws IOException {
        byte[] body = response.readBody(RawManifest.MAX_BYTES);
        ImageIndex index = ManifestJson.MAPPER.readValue(body, ImageIndex.class);
        boolean filtered = response.header("oci-filters-applied").map(h -> h.contains("artifactType")).orElse(false);
        if (artifactType != null && !filtered)
            index = index.withManifests(index.manifests().stream().filter(d -> artifactType.equals(d.artifactType())).toList());
        return Optional.of(index);
    }

    @Override
    public Optional<Optional<ImageIndex>> onFailure(Response response) {
        return response.status() == 404 || response.status() == 405 ? Optional.of(Optional.empty()) : Optional.empty();
    }
}
