package dev.soci4j.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.cli.UserError;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** {@code soci mount --metrics-address HOST:PORT} parsing. */
class MetricsAddressTest {
    @Test
    void acceptsHostPortAndBracketedIpv6() {
        assertThat(MountCommand.socketAddress("127.0.0.1:9100")).isEqualTo(new InetSocketAddress("127.0.0.1", 9100));
        assertThat(MountCommand.socketAddress("[::1]:0")).isEqualTo(new InetSocketAddress("::1", 0));
    }

    @Test
    void rejectsMissingHostOrBadPort() {
        for (String bad : new String[] {"9100", ":9100", "localhost:", "localhost:http", "localhost:70000"})
            assertThatThrownBy(() -> MountCommand.socketAddress(bad)).as(bad).isInstanceOf(UserError.class)
                    .hasMessageContaining("--metrics-address must be HOST:PORT");
    }
}
