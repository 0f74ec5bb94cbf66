package dev.soci4j.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soci4j.cli.Soci;
import dev.soci4j.ztoc.CompressionAlgorithm;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.ZtocCodec;
import dev.soci4j.ztoc.testing.Golden;
import dev.soci4j.ztoc.testing.SeededRandom;
import dev.soci4j.ztoc.zran.GzipCheckpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(SeededRandom.class)
class ZtocInfoCommandTest {
    private static final long SPAN_1M = 1 << 20;

    @TempDir
    Path tmp;

    /** Uncompressed offsets where spans start, read from the zTOC's checkpoints (gzip) or span size (tar). */
    private static long[] spanStarts(Ztoc ztoc) throws Exception {
        long[] starts = new long[ztoc.numSpans()];
        if (ztoc.compressionInfo().algorithm() == CompressionAlgorithm.GZIP) {
            GzipCheckpoints cps = GzipCheckpoints.parse(ztoc.compressionInfo().checkpoints());
            for (int i = 0; i < starts.length; i++) starts[i] = cps.checkpoint(i).out();
        } else {
            for (int i = 0; i < starts.length; i++) starts[i] = i * SPAN_1M;
        }
        return starts;
    }

    /** The last span starting at or before {@code offset}, found by a plain scan. */
    private static int spanAt(long[] starts, long offset) {
        int span = 0;
        for (int i = 0; i < starts.length; i++) if (starts[i] <= offset) span = i;
        return span;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gnu.tar.gz", "pax.tar.gz", "gnu.tar"})
    void jsonHasTheReferenceFieldsAndEveryValueMatchesTheZtoc(String layer) throws Exception {
        String name = layer + ".span1m.ztoc";
        byte[] bytes = Golden.bytes(name);
        Ztoc ztoc = ZtocCodec.decode(bytes);
        Soci.Run run = Soci.run("ztoc", "info", Golden.file(name).toString(), "--json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).isEmpty();
        JsonNode json = run.json();

        assertThat(ZtocBuildCommandTest.fieldNames(json)).containsExactly("version", "build_tool", "size", "span_size",
                "num_spans", "num_files", "num_multi_span_files", "files");
        assertThat(json.get("version").asText()).isEqualTo("0.9");
        assertThat(json.get("build_tool").asText()).isEqualTo("AWS SOCI CLI v0.2");
        assertThat(json.get("size").asLong()).isEqualTo(bytes.length);
        assertThat(json.get("span_size").asLong()).isEqualTo(SPAN_1M);
        assertThat(json.get("num_spans").asInt()).isEqualTo(ztoc.numSpans()).isGreaterThan(1);
        assertThat(json.get("num_files").asInt()).isEqualTo(ztoc.files().size());

        long[] starts = spanStarts(ztoc);
        JsonNode files = json.get("files");
        assertThat(files).hasSize(ztoc.files().size());
        int multiSpan = 0;
        for (int i = 0; i < files.size(); i++) {
            FileMetadata f = ztoc.files().get(i);
            JsonNode j = files.get(i);
            assertThat(ZtocBuildCommandTest.fieldNames(j))
                    .containsExactly("filename", "offset", "size", "type", "start_span", "end_span");
            assertThat(j.get("filename").asText()).isEqualTo(f.name());
            assertThat(j.get("offset").asLong()).isEqualTo(f.uncompressedOffset());
            assertThat(j.get("size").asLong()).isEqualTo(f.uncompressedSize());
            assertThat(j.get("type").asText()).isEqualTo(f.type().wireName());
            int start = spanAt(starts, f.uncompressedOffset());
            int end = spanAt(starts, f.uncompressedOffset() + f.uncompressedSize());
            assertThat(j.get("start_span").asInt()).as(f.name()).isEqualTo(start);
            assertThat(j.get("end_span").asInt()).as(f.name()).isEqualTo(end);
            if (start != end) multiSpan++;
        }
        assertThat(json.get("num_multi_span_files").asInt()).isEqualTo(multiSpan).isPositive();
    }

    @Test
    void tableShowsTheSameFacts() throws Exception {
        Path file = Golden.file("gnu.tar.gz.span1m.ztoc");
        Ztoc ztoc = ZtocCodec.decode(Golden.bytes("gnu.tar.gz.span1m.ztoc"));
        JsonNode json = Soci.run("ztoc", "info", file.toString(), "--json").json();
        Soci.Run run = Soci.run("ztoc", "info", file.toString());
        assertThat(run.exitCode()).isZero();
        List<String> lines = run.stdout().lines().toList();
        assertThat(lines).contains(
                "version           0.9",
                "build tool        AWS SOCI CLI v0.2",
                "compression       gzip",
                "span size         1.0 MiB",
                "spans             " + ztoc.numSpans(),
                "files             " + ztoc.files().size(),
                "multi-span files  " + json.get("num_multi_span_files").asInt());
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("TYPE ")).findFirst().orElseThrow());
        List<String> rows = lines.subList(header + 1, lines.size());
        assertThat(rows).hasSize(ztoc.files().size());
        int nameColumn = lines.get(header).indexOf("NAME");
        int offsetEnd = lines.get(header).indexOf("OFFSET") + "OFFSET".length();
        for (int i = 0; i < rows.size(); i++) {
            FileMetadata f = ztoc.files().get(i);
            JsonNode j = json.get("files").get(i);
            String row = rows.get(i);
            String[] cells = row.substring(0, nameColumn).trim().split(" +");
            assertThat(cells[0]).isEqualTo(f.type().wireName());
            assertThat(cells[1]).isEqualTo(String.valueOf(f.uncompressedOffset()));
            assertThat(row.substring(0, offsetEnd)).endsWith(String.valueOf(f.uncompressedOffset())); // right-aligned
            assertThat(cells[2]).isEqualTo(String.valueOf(f.uncompressedSize()));
            int s = j.get("start_span").asInt(), e = j.get("end_span").asInt();
            assertThat(cells[3]).isEqualTo(s == e ? String.valueOf(s) : s + "-" + e);
            assertThat(row.substring(nameColumn)).isEqualTo(f.name());
        }
    }

    private void assertRefusedZtoc(Path ztoc, int exitCode) {
        for (String[] args : new String[][] {{"ztoc", "info", ztoc.toString()}, {"ztoc", "info", ztoc.toString(), "--json"}}) {
            Soci.Run run = Soci.run(args);
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(exitCode);
            assertThat(run.stderrLines()).as(run.toString()).singleElement().asString().startsWith("soci: ");
            assertThat(run.stderr()).doesNotContain("\tat ", "Exception");
            assertThat(run.stdout()).isEmpty();
        }
    }

    @Test
    void truncatedZtocIsInvalid() throws Exception {
        byte[] golden = Golden.bytes("pax.tar.gz.span1m.ztoc");
        for (int length : new int[] {0, 1, 4, 8, 16, 100, golden.length / 2, golden.length - 1}) {
            assertRefusedZtoc(Files.write(tmp.resolve("truncated-" + length), Arrays.copyOf(golden, length)), 6);
        }
    }

    @Test
    void randomBytesAreInvalid(Random random) throws Exception {
        for (int size : new int[] {16, 1000, 100_000}) {
            byte[] b = new byte[size];
            random.nextBytes(b);
            assertRefusedZtoc(Files.write(tmp.resolve("random-" + size), b), 6);
        }
    }

    @Test
    void mutatedZtocsAreShownOrRefusedNeverACrash(Random random) throws Exception {
        byte[] golden = Golden.bytes("gnu.tar.gz.span1m.ztoc");
        Path file = tmp.resolve("mutated.ztoc");
        // mutate the FlatBuffers structure (vtables, offsets, names), not only the checkpoint blob
        int structureEnd = Math.min(golden.length, 8192);
        for (int i = 0; i < 300; i++) {
            byte[] b = golden.clone();
            int flips = 1 + random.nextInt(4);
            for (int k = 0; k < flips; k++) {
                int at = random.nextBoolean() ? random.nextInt(structureEnd) : golden.length - 1 - random.nextInt(structureEnd);
                b[at] = (byte) random.nextInt(256);
            }
            Files.write(file, b);
            Soci.Run run = Soci.run("ztoc", "info", file.toString(), "--json");
            assertThat(run.exitCode()).as("mutation %d: %s", i, run).isIn(0, 6);
            if (run.exitCode() == 6) {
                assertThat(run.stderrLines()).as(run.toString()).singleElement().asString().startsWith("soci: ");
                assertThat(run.stdout()).isEmpty();
            }
        }
    }

    @Test
    void directoryIsInvalid() throws Exception {
        assertRefusedZtoc(Files.createDirectory(tmp.resolve("dir.ztoc")), 6);
    }

    @Test
    void missingFileIsNotFound() {
        assertRefusedZtoc(tmp.resolve("missing.ztoc"), 3);
    }
}
