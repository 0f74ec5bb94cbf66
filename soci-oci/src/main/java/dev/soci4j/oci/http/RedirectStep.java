package dev.soci4j.oci.http;

import java.io.IOException;
import java.net.URI;
import java.util.Set;

/**
 * Follows redirects itself (the client runs with {@code Redirect.NEVER}) so that a blob GET sent to
 * object storage never carries the registry's {@code Authorization} (OkHttp's
 * RetryAndFollowUpInterceptor does the same), and stops after {@value #MAX_FOLLOW_UPS}.
 */
final class RedirectStep implements Step {
    /** OkHttp's and Chrome's limit; Firefox allows 20 too. */
    static final int MAX_FOLLOW_UPS = 20;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request original = chain.request();
        Request request = original;
        for (int followUps = 0; ; followUps++) {
            Response response = chain.proceed(request);
            if (!REDIRECTS.contains(response.status())) return response;
            String location = response.header("location").orElse(null);
            response.close();
            if (location == null)
                throw new IOException("%s: HTTP %d redirect without Location".formatted(request, response.status()));
            if (followUps + 1 > MAX_FOLLOW_UPS)
                throw new IOException("%s: too many redirects: %d".formatted(original, followUps + 1));
            URI target = request.uri().resolve(location);
            Request next = request.withUri(target);
            if (response.status() == 303 && !request.method().equals("HEAD")) next = next.withMethod("GET", RequestBody.NONE);
            if (!Request.authority(target).equals(Request.authority(original.uri()))) {
                // Leaving the registry: its credentials must not reach object storage or a CDN,
                // and the auth step must not add them back.
                next = new Request(next.method(), target, next.withoutHeader("authorization").headers(), next.body(), null, next.whileWaiting());
            }
            request = next;
        }
    }
}
