package dev.soci4j.oci.http;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Adds the registry's credentials to requests for the registry host (never to other hosts), and
 * answers a 401 challenge once; a second 401 is returned for the endpoint to report.
 */
final class AuthStep implements Step {
    private final Authenticator authenticator;

    AuthStep(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        if (!authenticator.appliesTo(request.uri()) || request.header("authorization").isPresent())
            return chain.proceed(request);
        Optional<String> known = authenticator.authorizationFor(request.uri(), request.authScope());
        Response response = chain.proceed(known.map(v -> request.withHeader("authorization", v)).orElse(request));
        if (response.status() != 401) return response;
        List<String> challenges = response.headers("www-authenticate");
        if (challenges.isEmpty()) return response;
        Optional<String> answer = authenticator.respondTo(request.uri(), request.authScope(), challenges);
        if (answer.isEmpty() || answer.equals(known)) return response;
        response.close();
        return chain.proceed(request.withHeader("authorization", answer.get()));
    }
}
