package dev.soci4j.oci.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.util.List;
import java.util.random.RandomGenerator;

/** The steps a registry request goes through, in order, ending in the transport. Thread-safe. */
public final class HttpPipeline {
    private final List<Step> steps;

    public HttpPipeline(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    /** The standard stack for one registry host, ending in java.net.http. */
    public static HttpPipeline forRegistry(HttpClient client, Authenticator authenticator, RetryPolicy retry, RandomGenerator jitter) {
        return forRegistry(new Transport(client), authenticator, retry, jitter);
    }

    /** The standard stack for one registry host, ending in {@code transport} ({@link SocketTransport} or {@link Transport}). */
    public static HttpPipeline forRegistry(Step transport, Authenticator authenticator, RetryPolicy retry, RandomGenerator jitter) {
        return new HttpPipeline(List.of(
                new RetryStep(retry, jitter),   // 1. 429/5xx/resets: jittered backoff, Retry-After, bounded attempts
                new RangeStep(),                // 2. Range answers: 206 checked, full 200 skipped to the offset
                new RedirectStep(),             // 3. follow up to 20 redirects; no Authorization to other hosts
                new AuthStep(authenticator),    // 4. credentials on the registry host; answer one 401 challenge
                transport));                    // 5. blocking sockets (or java.net.http), never following redirects
    }

    public Response execute(Request request) throws IOException {
        return new RealChain(0, request).proceed(request);
    }

    private final class RealChain implements Step.Chain {
        private final int index;
        private final Request request;

        RealChain(int index, Request request) {
            this.index = index;
            this.request = request;
        }

        @Override
        public Request request() {
            return request;
        }

        @Override
        public Response proceed(Request next) throws IOException {
            if (index >= steps.size()) throw new IllegalStateException("the last step must not call proceed");
            return steps.get(index).intercept(new RealChain(index + 1, next));
        }
    }
}
