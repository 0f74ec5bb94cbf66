package dev.soci4j.builder.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci4j.builder.BuilderConfig;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SenderAuthTest {
    static final String SECRET = "0123456789abcdef-secret";
    static final byte[] BODY = "{\"events\":[]}".getBytes(StandardCharsets.UTF_8);

    @Test
    void sharedSecretMustMatchExactly() {
        SenderAuth auth = new SenderAuth(new BuilderConfig.Auth(BuilderConfig.AuthMode.SECRET, "X-S", SECRET));
        assertThat(auth.accepts(SECRET, BODY)).isTrue();
        assertThat(auth.accepts(SECRET + "x", BODY)).isFalse();
        assertThat(auth.accepts(null, BODY)).isFalse();
        assertThat(auth.accepts("", BODY)).isFalse();
    }

    @Test
    void hmacSignatureCoversTheBody() {
        SenderAuth auth = new SenderAuth(new BuilderConfig.Auth(BuilderConfig.AuthMode.HMAC, "X-Sig", SECRET));
        String sig = SenderAuth.signature(SECRET, BODY);
        assertThat(sig).startsWith("sha256=").hasSize(7 + 64);
        assertThat(auth.accepts(sig, BODY)).isTrue();
        assertThat(auth.accepts(sig.substring(7), BODY)).isTrue();
        assertThat(auth.accepts(sig, "{\"events\":[1]}".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(auth.accepts(SenderAuth.signature("another-secret-of-16", BODY), BODY)).isFalse();
        assertThat(auth.accepts("sha256=nothex", BODY)).isFalse();
        assertThat(auth.accepts(SECRET, BODY)).isFalse();
    }
}
