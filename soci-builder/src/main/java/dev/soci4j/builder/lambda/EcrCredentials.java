package dev.soci4j.builder.lambda;

import dev.soci4j.oci.auth.Credential;
import dev.soci4j.oci.auth.CredentialSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.GetAuthorizationTokenResponse;

/**
 * Registry credentials for ECR hosts ({@code <account>.dkr.ecr.<region>.amazonaws.com}) from
 * {@code ecr:GetAuthorizationToken}: the token is base64 {@code AWS:<password>}, valid 12 hours; it is
 * cached and fetched again 15 minutes before it expires. Other hosts get what {@code fallback} gives
 * (the loopback registry of the tests, anonymous). Thread-safe.
 */
public final class EcrCredentials implements CredentialSource {
    private static final Pattern ECR_HOST = Pattern.compile("\\d{12}\\.dkr\\.ecr(-fips)?\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?");
    /** Refresh margin: a build that starts just before expiry must not see the token lapse mid-push. */
    static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(15);

    private final EcrClient ecr;
    private final CredentialSource fallback;
    private final Clock clock;
    private Credential cached;
    private Instant expires = Instant.MIN;

    public EcrCredentials(EcrClient ecr, CredentialSource fallback, Clock clock) {
        this.ecr = ecr;
        this.fallback = fallback == null ? CredentialSource.ANONYMOUS : fallback;
        this.clock = clock;
    }

    public static boolean isEcrHost(String registry) {
        return ECR_HOST.matcher(registry).matches();
    }

    @Override
    public Credential credentialFor(String registry) throws IOException {
        if (!isEcrHost(registry)) return fallback.credentialFor(registry);
        return token();
    }

    /** The current ECR credential, fetched when missing or about to expire. */
    public synchronized Credential token() throws IOException {
        if (cached != null && clock.instant().isBefore(expires.minus(REFRESH_BEFORE_EXPIRY))) return cached;
        GetAuthorizationTokenResponse response;
        try {
            response = ecr.getAuthorizationToken(b -> {});
        } catch (SdkException e) {
            throw new IOException("ecr:GetAuthorizationToken failed: " + e.getMessage(), e);
        }
        if (!response.hasAuthorizationData() || response.authorizationData().isEmpty())
            throw new IOException("ecr:GetAuthorizationToken returned no authorization data");
        AuthorizationData data = response.authorizationData().getFirst();
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(data.authorizationToken()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IOException("ecr:GetAuthorizationToken returned a token that is not base64");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) throw new IOException("ecr:GetAuthorizationToken returned a token that is not USER:PASSWORD");
        cached = new Credential.UsernamePassword(decoded.substring(0, colon), decoded.substring(colon + 1));
        expires = data.expiresAt() == null ? clock.instant().plus(Duration.ofHours(12)) : data.expiresAt();
        return cached;
    }
}
