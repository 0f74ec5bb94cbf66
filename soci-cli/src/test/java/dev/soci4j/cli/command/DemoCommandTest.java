package dev.soci4j.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soci4j.cli.Soci;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheStartupFilesLazilyAndVerifiesThem() throws Exception {
        Soci.Run run = Soci.run("demo", "--large-file-mib", "8", "--dir", tmp.toString(), "--json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).isEmpty();
        JsonNode json = run.json();
        JsonNode reads = json.get("reads");
        assertThat(reads).hasSizeGreaterThanOrEqualTo(4);
        long sum = 0;
        for (JsonNode r : reads) {
            assertThat(r.get("verified").asBoolean()).as(r.toString()).isTrue();
            assertThat(r.get("spans").asInt()).isPositive();
            sum += r.get("bytes_fetched").asLong();
        }
        long layerBytes = json.get("layer_bytes").asLong();
        assertThat(layerBytes).isEqualTo(Files.size(tmp.resolve("layer.tar.gz")));
        assertThat(json.get("bytes_fetched").asLong()).isEqualTo(sum).isPositive().isLessThan(layerBytes);
        assertThat(json.get("fraction_of_layer").asDouble()).isLessThan(1.0);
        assertThat(tmp.resolve("layer.tar.gz.ztoc")).isNotEmptyFile();
    }

    @Test
    void sizesOutOfRangeAreUsageErrors() {
        for (String[] args : new String[][] {{"demo", "--large-file-mib", "-1"},
                {"demo", "--large-file-mib", "9223372036854775"}, {"demo", "--span-size", "0"}}) {
            Soci.Run run = Soci.run(args);
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
            assertThat(run.stderrLines()).singleElement().asString().startsWith("soci: --");
        }
    }
}
