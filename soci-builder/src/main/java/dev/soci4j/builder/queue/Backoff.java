package dev.soci4j.builder.queue;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff and Jitter"):
 * attempt n waits a uniform time in [cap/2, cap] with cap = min(max, base * 2^(n-1)), so instances that
 * failed together do not retry together, and no wait is shorter than half the schedule.
 */
public record Backoff(Duration base, Duration max, RandomGenerator random) {
    public Duration delayAfter(int attempt) {
        long cap = base.toMillis();
        for (int i = 1; i < attempt && cap < max.toMillis(); i++) cap *= 2;
        cap = Math.min(cap, max.toMillis());
        long half = cap / 2;
        return Duration.ofMillis(half + (cap - half == 0 ? 0 : random.nextLong(cap - half + 1)));
    }
}
