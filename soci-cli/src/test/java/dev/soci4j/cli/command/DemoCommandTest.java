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
    void convertsServesAndReadsTheStartupFilesLazily() throws Exception {
        Soci.Run run = Soci.run("demo", "--large-file-mib", "24", "--dir", tmp.toString(), "--json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).isEmpty();
        JsonNode json = run.json();
        assertThat(json.get("verified").asBoolean()).isTrue();
        assertThat(json.get("layers").asInt()).isEqualTo(3);
        assertThat(json.get("soci_index").asText()).matches("sha256:[0-9a-f]{64}");
        JsonNode reads = json.get("reads");
        assertThat(reads).hasSize(5);
        for (JsonNode r : reads) {
            assertThat(r.get("verified").asBoolean()).as(r.toString()).isTrue();
            assertThat(r.get("layer").asInt()).as(r.toString()).isBetween(0, 2);
        }
        long imageBytes = json.get("image_bytes").asLong();
        long layerFiles;
        try (var blobs = Files.list(tmp.resolve("image/blobs/sha256"))) {
            layerFiles = blobs.filter(p -> {
                try {
                    return Files.size(p) > 1 << 20;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).count();
        }
        assertThat(layerFiles).as("the three layers are in the layout").isGreaterThanOrEqualTo(3);
        // the full download fetched every layer byte; the lazy start fetched a part of them
        assertThat(json.get("full").get("bytes_fetched").asLong()).isEqualTo(imageBytes);
        long lazy = json.get("lazy").get("bytes_fetched").asLong();
        assertThat(lazy).isPositive().isLessThan(imageBytes);
        assertThat(json.get("lazy_fraction_of_image").asDouble()).isLessThan(1.0);
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
