package dev.soci4j.ztoc.tar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PaxTimeTest {

    @ParameterizedTest
    @CsvSource({
            "0, 1970-01-01T00:00:00Z",
            "1689671373.5, 2023-07-18T09:09:33.5Z",
            "1689671373.500000000, 2023-07-18T09:09:33.5Z",
            "1689671373.123456789987, 2023-07-18T09:09:33.123456789Z", // beyond 9 digits: truncated
            "1689671373.000000001, 2023-07-18T09:09:33.000000001Z",
            "1., 1970-01-01T00:00:01Z",
            "+7, 1970-01-01T00:00:07Z",
            "-1.5, 1969-12-31T23:59:58.5Z", // the fraction counts away from zero too, as in Go
            "-0.25, 1969-12-31T23:59:59.75Z",
            "-62135596800, 0001-01-01T00:00:00Z",
            "253402300799.999999999, 9999-12-31T23:59:59.999999999Z",
            "253402300800, ''", // year 10000: Go's MarshalText fails, the reference stores nothing
            "-62167219201, ''",
            "9223372036854775807, ''",
    })
    void parsesLikeGoAndFormatsAsRfc3339Nano(String pax, String text) {
        assertThat(PaxTime.parse(pax.getBytes(StandardCharsets.US_ASCII)).rfc3339Nano()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".5", "1.5x", "1.-5", "x", "1e5", "9223372036854775808", "１"})
    void rejectsWhatGoRejects(String pax) {
        assertThatThrownBy(() -> PaxTime.parse(pax.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(NumberFormatException.class);
    }
}
