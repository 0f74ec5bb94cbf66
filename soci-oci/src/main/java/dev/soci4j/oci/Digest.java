package dev.soci4j.oci;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest, {@code sha256:<64 lowercase hex>} (OCI image-spec descriptor.md "Digests"; sha256
 * is the only algorithm registries are required to support, and the only one soci uses). Immutable.
 * Always computed over the raw bytes as received or stored, never over re-serialized JSON.
 */
public record Digest(String hex) implements Comparable<Digest> {
    public static final String ALGORITHM = "sha256";
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    public Digest {
        if (hex == null || !HEX.matcher(hex).matches())
            throw new IllegalArgumentException("not a sha256 hex digest: " + hex);
    }

    /** Parses {@code sha256:<64 hex>}; rejects other algorithms and uppercase hex. */
    @JsonCreator
    public static Digest parse(String text) {
        if (text == null || !text.startsWith(ALGORITHM + ":"))
            throw new IllegalArgumentException("not a sha256 digest: " + text);
        return new Digest(text.substring(ALGORITHM.length() + 1));
    }

    /** The digest of these bytes. */
    public static Digest of(byte[] bytes) {
        return of(bytes, 0, bytes.length);
    }

    public static Digest of(byte[] bytes, int offset, int length) {
        MessageDigest md = newHasher();
        md.update(bytes, offset, length);
        return of(md);
    }

    /** A fresh sha256 hasher, for streaming; finish it with {@link #of(MessageDigest)}. */
    public static MessageDigest newHasher() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    /** Completes a hasher from {@link #newHasher()} (which is reset). */
    public static Digest of(MessageDigest hasher) {
        return new Digest(HexFormat.of().formatHex(hasher.digest()));
    }

    /** The fallback tag for referrers of this digest: {@code sha256-<hex>} (distribution-spec "Referrers Tag Schema"). */
    public String referrersTag() {
        return ALGORITHM + "-" + hex;
    }

    /** {@code sha256:3f1a2b3c…}: short form for messages. */
    public String abbreviated() {
        return ALGORITHM + ":" + hex.substring(0, 12) + "…";
    }

    @JsonValue
    @Override
    public String toString() {
        return ALGORITHM + ":" + hex;
    }

    @Override
    public int compareTo(Digest other) {
        return hex.compareTo(other.hex);
    }
}
