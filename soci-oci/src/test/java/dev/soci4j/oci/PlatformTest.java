package dev.soci4j.oci;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlatformTest {
    @ParameterizedTest
    @CsvSource({
            "linux/arm64,     linux/arm64/v8, true",
            "linux/aarch64,   linux/arm64,    true",
            "linux/x86_64,    linux/amd64,    true",
            "linux/arm,       linux/arm/v7,   true",
            "linux/arm/v6,    linux/arm/v7,   false",
            "linux/amd64,     linux/arm64,    false",
            "windows/amd64,   linux/amd64,    false",
    })
    void matchesAfterNormalizing(String wanted, String candidate, boolean matches) {
        assertThat(Platform.parse(wanted).matches(Platform.parse(candidate))).isEqualTo(matches);
    }
}
