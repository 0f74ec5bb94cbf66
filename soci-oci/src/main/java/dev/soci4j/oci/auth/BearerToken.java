package dev.soci4j.oci.auth;

import java.time.Duration;
import java.time.Instant;

/** A registry token and when to stop using it. {@code toString} never shows the token. */
public record BearerToken(String token, Instant renewAfter) {
    /** distribution token spec: "expires_in ... defaults to 60 seconds" when the server omits it. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);
    /** Renew this long before expiry (at most half the lifetime) so a token never dies in flight. */
    public static final Duration RENEW_MARGIN = Duration.ofSeconds(10);

    public static BearerToken issued(String token, Instant obtainedAt, Duration lifetime) {
        Duration margin = lifetime.dividedBy(2).compareTo(RENEW_MARGIN) < 0 ? lifetime.dividedBy(2) : RENEW_MARGIN;
        return new BearerToken(token, obtainedAt.plus(lifetime).minus(margin));
    }

    public boolean isFreshAt(Instant now) {
        return now.isBefore(renewAfter);
    }

    @Override
    public String toString() {
        return "BearerToken[****, renewAfter=" + renewAfter + "]";
    }
}
