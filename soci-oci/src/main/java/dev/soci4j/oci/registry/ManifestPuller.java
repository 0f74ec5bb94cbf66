package dev.soci4j.oci.registry;

import dev.soci4j.oci.Digest;
import dev.soci4j.oci.DigestMismatchException;
import dev.soci4j.oci.ManifestNotFoundException;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.RegistryException;
import dev.soci4j.oci.http.Request;
import dev.soci4j.oci.http.Response;
import dev.soci4j.oci.manifest.RawManifest;
import java.io.IOException;
import java.util.List;

/**
 * {@code GET /v2/<name>/manifests/<reference>} with an Accept for OCI and Docker manifests and
 * indexes. Refuses bodies over {@link RawManifest#MAX_BYTES}; verifies the digest of the raw bytes
 * against the reference's digest, or against {@code Docker-Content-Digest} when pulled by tag.
 */
final class ManifestPuller implements RegistryEndpoint<RawManifest> {
    private final RegistryHost host;
    private final String repository;
    private final String reference;
    private final List<String> accept;

    ManifestPuller(RegistryHost host, String repository, String reference, List<String> accept) {
        this.host = host;
        this.repository = repository;
        this.reference = reference;
        this.accept = accept;
    }

    @Override
    public String describe() {
        return "pull manifest %s from %s/%s".formatted(reference, host.registry(), repository);
    }

    @Override
    public Request request() {
        return Request.of("GET", host.uri(repository + "/manifests/" + reference), Scopes.pull(repository))
                .withHeader("accept", String.join(", ", accept));
    }

    @Override
    public RawManifest onSuccess(Response response) throws IOException {
        long declared = response.contentLength().orElse(-1);
        if (declared > RawManifest.MAX_BYTES)
            throw new RegistryException(describe(), response.status(), "manifest of %d bytes exceeds the %d-byte limit".formatted(declared, RawManifest.MAX_BYTES));
        byte[] bytes;
        try {
            bytes = response.readBody(RawManifest.MAX_BYTES);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("larger than"))
                throw new RegistryException(describe(), response.status(), "manifest exceeds the %d-byte limit".formatted(RawManifest.MAX_BYTES));
            throw e;
        }
        if (declared >= 0 && declared != bytes.length)
            throw new RegistryException(describe(), response.status(), "Content-Length %d but %d bytes received".formatted(declared, bytes.length));
        Digest actual = Digest.of(bytes);
        Digest expected = reference.startsWith(Digest.ALGORITHM + ":") ? Digest.parse(reference)
                : response.header("docker-content-digest").filter(h -> h.startsWith(Digest.ALGORITHM + ":")).map(Digest::parse).orElse(null);
        if (expected != null && !expected.equals(actual))
            throw new DigestMismatchException("manifest %s of %s/%s".formatted(reference, host.registry(), repository), expected, actual, bytes.length);
        String mediaType = response.header("content-type").map(MediaTypes::stripParameters).orElse(null);
        if (mediaType == null || mediaType.isEmpty() || mediaType.equals("application/json")) mediaType = sniffMediaType(bytes);
        return new RawManifest(mediaType, bytes);
    }

    /** A registry that does not know the type (or says application/json): take the JSON's own field. */
    private String sniffMediaType(byte[] bytes) throws IOException {
        var tree = dev.soci4j.oci.manifest.ManifestJson.MAPPER.readTree(bytes);
        if (tree != null && tree.hasNonNull("mediaType")) return tree.get("mediaType").asText();
        return tree != null && tree.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    }

    @Override
    public RegistryException notFound(int status, String detail) {
        return new ManifestNotFoundException(describe(), status, detail);
    }
}
