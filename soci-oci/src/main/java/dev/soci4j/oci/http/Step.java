package dev.soci4j.oci.http;

import java.io.IOException;

/**
 * One HTTP concern (as OkHttp's Interceptor): take the chain, return a response. An
 * {@link IOException} means the exchange failed (connectivity, or an answer that cannot be used);
 * a response with any status is an answer for the next step out to judge.
 */
@FunctionalInterface
public interface Step {
    Response intercept(Chain chain) throws IOException;

    interface Chain {
        Request request();

        /** Hands a (possibly changed) request to the next step in. */
        Response proceed(Request request) throws IOException;
    }
}
