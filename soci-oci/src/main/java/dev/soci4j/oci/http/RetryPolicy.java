package dev.soci4j.oci.http;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How often and how long to retry. Immutable.
 *
 * <p>Defaults: 4 attempts with full-jitter exponential backoff from 200 ms, capped at 10 s; the
 * waits before attempts 2, 3, 4 are uniform in [0, 200 ms), [0, 400 ms), [0, 800 ms), so a
 * transient blip costs at most 1.4 s in total, while a registry asking for {@code Retry-After}
 * gets its wish up to {@link #maxDelay()} per wait (longer waits fail fast and say so).
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
    public static final int DEFAULT_MAX_ATTEMPTS = 4;
    public static final Duration DEFAULT_BASE_DELAY = Duration.ofMillis(200);
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(10);
    public static final RetryPolicy DEFAULT = new RetryPolicy(DEFAULT_MAX_ATTEMPTS, DEFAULT_BASE_DELAY, DEFAULT_MAX_DELAY);
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        if (baseDelay.isNegative() || maxDelay.isNegative())
            throw new IllegalArgumentException("retry delays must not be negative: %s, %s".formatted(baseDelay, maxDelay));
    }

    /**
     * The wait before attempt {@code nextAttempt} (2 for the first retry): the server's Retry-After
     * when given (capped), else full jitter over the exponential window.
     */
    public Duration delayBefore(int nextAttempt, Duration retryAfter, RandomGenerator random) {
        if (retryAfter != null) return retryAfter.compareTo(maxDelay) > 0 ? maxDelay : retryAfter;
        long window = baseDelay.toNanos() << Math.min(nextAttempt - 2, 20);
        window = Math.min(Math.max(window, 0), maxDelay.toNanos());
        return window <= 0 ? Duration.ZERO : Duration.ofNanos(random.nextLong(window));
    }
}
