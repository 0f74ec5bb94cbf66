package dev.soci4j.oci.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {
    @Test
    void parsesBearerWithQuotedCommas() {
        List<AuthChallenge> c = AuthChallenge.parse(
                "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:a/b:pull,push\"");
        assertThat(c).singleElement().satisfies(ch -> {
            assertThat(ch.scheme()).isEqualTo("bearer");
            assertThat(ch.param("scope")).hasValue("repository:a/b:pull,push");
            assertThat(ch.param("realm")).hasValue("https://auth.docker.io/token");
        });
    }

    @Test
    void parsesSeveralChallenges() {
        assertThat(AuthChallenge.parse("Basic realm=\"x\", Bearer realm=\"y\""))
                .extracting(AuthChallenge::scheme).containsExactly("basic", "bearer");
    }
}
