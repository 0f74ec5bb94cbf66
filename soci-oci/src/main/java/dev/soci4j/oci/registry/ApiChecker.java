package dev.soci4j.oci.registry;

import dev.soci4j.oci.http.Request;
import dev.soci4j.oci.http.Response;

/** {@code GET /v2/}: the registry speaks the distribution API and accepts our credentials. */
final class ApiChecker implements RegistryEndpoint<Boolean> {
    private final RegistryHost host;

    ApiChecker(RegistryHost host) {
        this.host = host;
    }

    @Override
    public String describe() {
        return "check the registry API of " + host.registry();
    }

    @Override
    public Request request() {
        return Request.of("GET", host.uri(""), null);
    }

    @Override
    public Boolean onSuccess(Response response) {
        return true;
    }
}
