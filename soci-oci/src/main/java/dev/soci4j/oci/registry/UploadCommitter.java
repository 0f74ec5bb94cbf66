package dev.soci4j.oci.registry;

import dev.soci4j.oci.Digest;
import dev.soci4j.oci.DigestMismatchException;
import dev.soci4j.oci.http.Request;
import dev.soci4j.oci.http.RequestBody;
import dev.soci4j.oci.http.Response;
import java.io.IOException;
import java.net.URI;

/**
 * {@code PUT <location>?digest=<digest>}, with the whole blob (monolithic) or nothing (after chunks):
 * the registry hashes what it received and refuses a mismatch ({@code DIGEST_INVALID}).
 */
final class UploadCommitter implements RegistryEndpoint<Digest> {
    private final RegistryHost host;
    private final String repository;
    private final URI location;
    private final Digest digest;
    private final RequestBody body;

    UploadCommitter(RegistryHost host, String repository, URI location, Digest digest, RequestBody body) {
        this.host = host;
        this.repository = repository;
        this.location = location;
        this.digest = digest;
        this.body = body;
    }

    @Override
    public String describe() {
        return "commit blob %s%s to %s/%s".formatted(digest, body.length() > 0 ? " (" + body.length() + " bytes)" : "", host.registry(), repository);
    }

    @Override
    public Request request() {
        String sep = location.getRawQuery() == null ? "?" : "&";
        Request r = Request.of("PUT", URI.create(location + sep + "digest=" + digest), Scopes.push(repository)).withBody(body);
        return body.length() > 0 ? r.withHeader("content-type", "application/octet-stream") : r;
    }

    @Override
    public Digest onSuccess(Response response) throws IOException {
        String stored = response.header("docker-content-digest").orElse(digest.toString());
        if (!stored.equals(digest.toString()))
            throw new DigestMismatchException("blob pushed to %s/%s".formatted(host.registry(), repository), digest, Digest.parse(stored), body.length());
        return digest;
    }
}
