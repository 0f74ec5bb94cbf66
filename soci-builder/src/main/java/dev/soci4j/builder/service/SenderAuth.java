package dev.soci4j.builder.service;

import dev.soci4j.builder.BuilderConfig;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks that a notification comes from a configured sender: the shared secret itself in a header, or
 * {@code sha256=<hex>} HMAC-SHA256 of the body (the {@code sha256=} prefix optional). Comparisons are
 * constant-time ({@link MessageDigest#isEqual}). Thread-safe.
 */
public final class SenderAuth {
    private final BuilderConfig.AuthMode mode;
    private final String header;
    private final byte[] secret;

    public SenderAuth(BuilderConfig.Auth auth) {
        this.mode = auth.mode();
        this.header = auth.header();
        this.secret = auth.secret().getBytes(StandardCharsets.UTF_8);
    }

    public String header() {
        return header;
    }

    /** Whether {@code headerValue} (null when absent) authenticates {@code body}. */
    public boolean accepts(String headerValue, byte[] body) {
        if (headerValue == null || headerValue.isEmpty()) return false;
        return switch (mode) {
            case SECRET -> MessageDigest.isEqual(secret, headerValue.getBytes(StandardCharsets.UTF_8));
            case HMAC -> {
                String hex = headerValue.startsWith("sha256=") ? headerValue.substring(7) : headerValue;
                byte[] given;
                try {
                    given = HexFormat.of().parseHex(hex.trim().toLowerCase(java.util.Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    yield false;
                }
                yield MessageDigest.isEqual(hmac(secret, body), given);
            }
        };
    }

    /** {@code sha256=<hex>} of the body: what a sender puts in the header. */
    public static String signature(String secret, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), body));
    }

    private static byte[] hmac(byte[] key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
        }
    }
}
