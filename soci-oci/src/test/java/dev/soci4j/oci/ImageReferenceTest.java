package dev.soci4j.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {
    private static final String HEX = "a".repeat(64);

    @ParameterizedTest
    @CsvSource({
            "nginx,                               docker.io/library/nginx:latest",
            "nginx:1.25,                          docker.io/library/nginx:1.25",
            "docker.io/nginx,                     docker.io/library/nginx:latest",
            "index.docker.io/library/nginx:1,     docker.io/library/nginx:1",
            "user/app:v2,                         docker.io/user/app:v2",
            "localhost/app,                       localhost/app:latest",
            "localhost:5000/a/b/c:t,              localhost:5000/a/b/c:t",
            "127.0.0.1:5000/app,                  127.0.0.1:5000/app:latest",
            "public.ecr.aws/x/y:1.0-rc_2,         public.ecr.aws/x/y:1.0-rc_2",
            "ghcr.io/o/r@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,      ghcr.io/o/r@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "ghcr.io/o/r:t@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,    ghcr.io/o/r:t@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    })
    void normalizes(String input, String expected) {
        assertThat(ImageReference.parse(input).toString()).isEqualTo(expected);
    }

    @Test
    void splitsParts() {
        ImageReference r = ImageReference.parse("localhost:5000/team/app:v1@sha256:" + HEX);
        assertThat(r.registry()).isEqualTo("localhost:5000");
        assertThat(r.repository()).isEqualTo("team/app");
        assertThat(r.tag()).isEqualTo("v1");
        assertThat(r.manifestReference()).isEqualTo("sha256:" + HEX);
        assertThat(ImageReference.parse("nginx").apiHost()).isEqualTo("registry-1.docker.io");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "lower/UPPER", "a//b", "app:", "app@sha256:short", "app@md5:a", "-app", "app:ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt", "a/b:t:u"})
    void rejectsInvalid(String input) {
        assertThatThrownBy(() -> ImageReference.parse(input)).isInstanceOf(IllegalArgumentException.class);
    }
}
