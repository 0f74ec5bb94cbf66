package dev.soci4j.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DigestTest {
    @Test
    void hashesRawBytes() {
        // sha256("abc"), FIPS 180-2 appendix B.1
        assertThat(Digest.of("abc".getBytes(StandardCharsets.US_ASCII)).toString())
                .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void parsesAndNamesTheFallbackTag() {
        Digest d = Digest.parse("sha256:" + "0123456789abcdef".repeat(4));
        assertThat(d.referrersTag()).isEqualTo("sha256-" + "0123456789abcdef".repeat(4));
        assertThat(Digest.parse(d.toString())).isEqualTo(d);
    }

    @Test
    void rejectsMalformed() {
        for (String bad : new String[] {"sha256:" + "A".repeat(64), "sha256:" + "a".repeat(63), "sha512:" + "a".repeat(128), "a".repeat(64), null})
            assertThatThrownBy(() -> Digest.parse(bad)).isInstanceOf(IllegalArgumentException.class);
    }
}
