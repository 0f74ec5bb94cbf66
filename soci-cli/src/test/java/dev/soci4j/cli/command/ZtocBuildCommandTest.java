package dev.soci4j.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soci4j.cli.Soci;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.ZtocCodec;
import dev.soci4j.ztoc.testing.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ZtocBuildCommandTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"gnu.tar.gz", "pax.tar.gz", "gnu.tar"})
    void writesTheReferenceBytesToLayerDotZtocByDefault(String name) throws Exception {
        Path layer = Files.copy(Golden.file(name), tmp.resolve(name));
        Soci.Run run = Soci.run("ztoc", "build", layer.toString(), "--span-size", "1048576");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).isEmpty();
        Path written = tmp.resolve(name + ".ztoc");
        assertThat(Files.readAllBytes(written)).isEqualTo(Golden.bytes(name + ".span1m.ztoc"));
        assertThat(run.stdout()).contains("ztoc", written.toString(), "sha256:");
        // no temporary file left next to it
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly(name, name + ".ztoc");
        }
    }

    @Test
    void jsonDescribesWhatWasWritten() throws Exception {
        Path out = tmp.resolve("sub-dir-out.ztoc");
        Soci.Run run = Soci.run("ztoc", "build", Golden.file("pax.tar.gz").toString(), "--span-size", "1048576",
                "-o", out.toString(), "--json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        byte[] bytes = Files.readAllBytes(out);
        Ztoc ztoc = ZtocCodec.decode(bytes);
        JsonNode json = run.json();
        assertThat(fieldNames(json)).containsExactly("layer", "ztoc", "digest", "size", "span_size", "num_spans",
                "num_files", "compressed_size", "uncompressed_size", "millis");
        assertThat(json.get("layer").asText()).isEqualTo(Golden.file("pax.tar.gz").toString());
        assertThat(json.get("ztoc").asText()).isEqualTo(out.toString());
        assertThat(json.get("digest").asText())
                .isEqualTo("sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertThat(json.get("size").asLong()).isEqualTo(bytes.length);
        assertThat(json.get("span_size").asLong()).isEqualTo(1048576);
        assertThat(json.get("num_spans").asInt()).isEqualTo(ztoc.numSpans());
        assertThat(json.get("num_files").asInt()).isEqualTo(ztoc.files().size());
        assertThat(json.get("compressed_size").asLong()).isEqualTo(Files.size(Golden.file("pax.tar.gz")));
        assertThat(json.get("uncompressed_size").asLong()).isEqualTo(ztoc.uncompressedArchiveSize());
        assertThat(json.get("millis").asLong()).isNotNegative();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "-1048576"})
    void nonPositiveSpanSizeIsAUsageError(String spanSize) throws Exception {
        Path layer = Files.copy(Golden.file("gnu.tar"), tmp.resolve("gnu.tar"));
        Soci.Run run = Soci.run("ztoc", "build", layer.toString(), "--span-size", spanSize);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderrLines()).containsExactly(
                "soci: --span-size must be positive, got %s (see 'soci ztoc build --help')".formatted(spanSize));
        assertThat(tmp.resolve("gnu.tar.ztoc")).doesNotExist();
    }

    @Test
    void outputInAMissingDirectoryIsNotFoundAndNamesTheDirectory() {
        Path out = tmp.resolve("no/such/dir/x.ztoc");
        Soci.Run run = Soci.run("ztoc", "build", Golden.file("gnu.tar").toString(), "-o", out.toString());
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.stderrLines()).containsExactly(
                "soci: no such directory: %s (for %s)".formatted(out.getParent(), out));
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
