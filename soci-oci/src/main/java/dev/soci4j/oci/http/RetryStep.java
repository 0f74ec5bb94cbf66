package dev.soci4j.oci.http;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries 429, 502, 503, 504 and 500 answers and failed exchanges ({@link IOException}s other than
 * our typed registry errors) with jittered backoff, honouring {@code Retry-After}. Requests that are
 * not idempotent (POST, PATCH: an upload session might advance twice) are retried only on 429 and
 * 503, which say the request was not processed. The response finally returned carries the number of
 * attempts, for error messages.
 */
final class RetryStep implements Step {
    private static final Logger log = LoggerFactory.getLogger(RetryStep.class);
    private static final Set<Integer> RETRYABLE = Set.of(429, 500, 502, 503, 504);
    private static final Set<Integer> NOT_PROCESSED = Set.of(429, 503);
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");

    private final RetryPolicy policy;
    private final RandomGenerator random;

    RetryStep(RetryPolicy policy, RandomGenerator random) {
        this.policy = policy;
        this.random = random;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        boolean idempotent = IDEMPOTENT.contains(request.method());
        for (int attempt = 1; ; attempt++) {
            Response response;
            try {
                response = chain.proceed(request);
            } catch (IOException e) {
                if (!idempotent || !isTransient(e) || attempt >= policy.maxAttempts()) {
                    if (attempt > 1) e.addSuppressed(new IOException("gave up after " + attempt + " attempts"));
                    throw e;
                }
                sleep(request, attempt, policy.delayBefore(attempt + 1, null, random), e.toString());
                continue;
            }
            int status = response.status();
            boolean retryable = idempotent ? RETRYABLE.contains(status) : NOT_PROCESSED.contains(status);
            if (!retryable || attempt >= policy.maxAttempts()) return response.withAttempts(attempt);
            Duration retryAfter = response.header("retry-after").map(RetryStep::parseRetryAfter).orElse(null);
            response.close();
            sleep(request, attempt, policy.delayBefore(attempt + 1, retryAfter, random), "HTTP " + status);
        }
    }

    /** Registry answers judged by the endpoint are final; connectivity failures are transient. */
    private static boolean isTransient(IOException e) {
        return !(e instanceof dev.soci4j.oci.RegistryException)
                && !(e instanceof InterruptedIOException && !(e instanceof java.net.http.HttpTimeoutException));
    }

    private static void sleep(Request request, int attempt, Duration delay, String why) throws IOException {
        log.atDebug().addKeyValue("request", request).addKeyValue("attempt", attempt)
                .addKeyValue("ms", delay.toMillis()).addKeyValue("cause", why).log("retrying");
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException(request + " interrupted while waiting to retry");
            interrupted.initCause(e);
            throw interrupted;
        }
    }

    /** RFC 9110 §10.2.3: delay-seconds or an HTTP-date; unparseable means "no advice". */
    static Duration parseRetryAfter(String value) {
        String v = value.strip();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException notDate) {
                return null;
            }
        }
    }
}
