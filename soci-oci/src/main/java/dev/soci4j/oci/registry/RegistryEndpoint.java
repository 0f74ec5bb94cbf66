package dev.soci4j.oci.registry;

import dev.soci4j.oci.http.Request;
import dev.soci4j.oci.http.Response;
import java.io.IOException;
import java.util.Optional;

/**
 * One registry API call (as jib's RegistryEndpointProvider): what to send, what a success means,
 * which failures are answers rather than errors, and a description every error message reuses.
 */
interface RegistryEndpoint<T> {
    /** What this call does, naming registry, repository and digest or tag: {@code pull manifest latest from localhost:5000/app}. */
    String describe();

    Request request();

    /** Called for 2xx answers; owns reading the body. */
    T onSuccess(Response response) throws IOException;

    /** A non-2xx answer this endpoint turns into a value (e.g. 404 → empty); empty means "report as an error". */
    default Optional<T> onFailure(Response response) throws IOException {
        return Optional.empty();
    }

    /** The exception for a 404 this endpoint does not turn into a value. */
    default dev.soci4j.oci.RegistryException notFound(int status, String detail) {
        return new dev.soci4j.oci.RegistryException(describe(), status, detail);
    }
}
