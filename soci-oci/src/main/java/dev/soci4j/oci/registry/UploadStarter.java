package dev.soci4j.oci.registry;

import dev.soci4j.oci.Digest;
import dev.soci4j.oci.RegistryException;
import dev.soci4j.oci.http.Request;
import dev.soci4j.oci.http.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /v2/<name>/blobs/uploads/}, optionally {@code ?mount=<digest>&from=<repo>}: 201 means
 * mounted (done), 202 gives the upload session's Location (distribution-spec "Pushing Blobs").
 */
final class UploadStarter implements RegistryEndpoint<UploadStarter.Started> {
    /** Either {@code mounted}, or an upload session at {@code location}. */
    record Started(boolean mounted, URI location) {}

    private final RegistryHost host;
    private final String repository;
    private final Digest mountDigest;
    private final String mountFrom;

    UploadStarter(RegistryHost host, String repository, Digest mountDigest, String mountFrom) {
        this.host = host;
        this.repository = repository;
        this.mountDigest = mountDigest;
        this.mountFrom = mountFrom;
    }

    @Override
    public String describe() {
        return mountFrom == null ? "start blob upload to %s/%s".formatted(host.registry(), repository)
                : "mount blob %s from %s into %s/%s".formatted(mountDigest, mountFrom, host.registry(), repository);
    }

    @Override
    public Request request() {
        String path = repository + "/blobs/uploads/";
        if (mountFrom != null)
            path += "?mount=" + mountDigest + "&from=" + URLEncoder.encode(mountFrom, StandardCharsets.UTF_8);
        return Request.of("POST", host.uri(path), mountFrom == null ? Scopes.push(repository) : Scopes.mount(repository, mountFrom));
    }

    @Override
    public Started onSuccess(Response response) throws RegistryException {
        if (response.status() == 201) return new Started(true, null);
        String location = response.header("location").orElseThrow(
                () -> new RegistryException(describe(), response.status(), "no Location for the upload session"));
        return new Started(false, response.request().uri().resolve(location));
    }
}
