package dev.soci4j.oci.http;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.InputStream;
import java.time.Duration;

/** The last step: sends over java.net.http. The client must be built with {@code Redirect.NEVER}. */
public final class Transport implements Step {
    /** Time to the response headers; bodies stream without a total deadline (a 1 GiB layer may take minutes). */
    public static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient client;

    public Transport(HttpClient client) {
        if (client.followRedirects() != HttpClient.Redirect.NEVER)
            throw new IllegalArgumentException("redirects are a pipeline step; the client must use Redirect.NEVER");
        this.client = client;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri())
                .timeout(HEADERS_TIMEOUT)
                .method(request.method(), request.body().publisher());
        request.headers().forEach((name, values) -> values.forEach(v -> builder.header(name, v)));
        try {
            HttpResponse<InputStream> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
            return new Response(response.statusCode(), response.headers(), response.body(), request, 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException(request + " interrupted");
            interrupted.initCause(e);
            throw interrupted;
        }
    }
}
