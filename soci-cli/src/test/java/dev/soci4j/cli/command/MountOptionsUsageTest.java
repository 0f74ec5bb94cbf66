package dev.soci4j.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci4j.cli.ExitCode;
import dev.soci4j.cli.Soci;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad {@code soci mount} options end in a usage error (exit 2) naming the option, before anything is mounted. */
class MountOptionsUsageTest {
    @TempDir
    Path tmp;

    @Test
    void anUnknownStackingOrBackgroundFetchValueIsAUsageError() {
        Soci.Run stacking = Soci.run("mount", "127.0.0.1:1/app:v1", tmp.toString(), "--stacking", "sideways",
                "--state-dir", tmp.resolve("state").toString());
        assertThat(stacking.exitCode()).as(stacking.toString()).isEqualTo(ExitCode.USAGE.code());
        assertThat(stacking.stderr()).contains("--stacking must be auto, overlay or merged, not sideways").doesNotContain("Exception");

        Soci.Run fetch = Soci.run("mount", "127.0.0.1:1/app:v1", tmp.toString(), "--background-fetch", "sometimes",
                "--state-dir", tmp.resolve("state").toString());
        assertThat(fetch.exitCode()).as(fetch.toString()).isEqualTo(ExitCode.USAGE.code());
        assertThat(fetch.stderr()).contains("--background-fetch must be on or off");
    }
}
