package dev.soci4j.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci4j.cli.Soci;
import dev.soci4j.ztoc.EntryType;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.Span;
import dev.soci4j.ztoc.SpanTable;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.ZtocCodec;
import dev.soci4j.ztoc.testing.Golden;
import dev.soci4j.ztoc.testing.RandomLayer;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(SeededRandom.class)
class ZtocGetFileCommandTest {
    private static final int SPAN = 64 << 10;

    @TempDir
    Path tmp;

    private Path in;
    private Path out;

    /** A random layer written as {@code in/layer} (gzip or tar) with its zTOC built by the CLI. */
    private record Built(RandomLayer layer, Path blob, Path ztocFile, Ztoc ztoc) {
    }

    private Built build(Random random, boolean gzip) throws Exception {
        in = Files.createDirectories(tmp.resolve("in"));
        out = Files.createDirectories(tmp.resolve("out"));
        RandomLayer layer = RandomLayer.builder(random).entryCount(80).spanSizeBytes(SPAN)
                .maxFileSizeBytes(300 << 10).hostileNames(true).build();
        Path blob = in.resolve(gzip ? "layer.tar.gz" : "layer.tar");
        Files.write(blob, gzip ? gzip(layer.tar()) : layer.tar());
        Soci.Run run = Soci.run("ztoc", "build", blob.toString(), "--span-size", String.valueOf(SPAN));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        Path ztocFile = in.resolve(blob.getFileName() + ".ztoc");
        return new Built(layer, blob, ztocFile, ZtocCodec.decode(Files.readAllBytes(ztocFile)));
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(data);
        }
        return b.toByteArray();
    }

    private static Map<String, RandomLayer.Entry> byName(RandomLayer layer) {
        Map<String, RandomLayer.Entry> map = new HashMap<>();
        for (RandomLayer.Entry e : layer.entries()) map.put(e.name(), e);
        return map;
    }

    /** The bytes get-file must produce for {@code e}: its own, or its hardlink target's. */
    private static byte[] expectedContent(Map<String, RandomLayer.Entry> byName, RandomLayer.Entry e) {
        return e.type() == EntryType.HARDLINK ? byName.get(e.linkname()).content() : e.content();
    }

    private Soci.Run getFile(Built b, String path, Path output) {
        List<String> args = new ArrayList<>(List.of("ztoc", "get-file", "--layer", b.blob().toString(),
                b.ztocFile().toString(), path));
        if (output != null) args.addAll(List.of("-o", output.toString()));
        return Soci.run(args.toArray(String[]::new));
    }

    private List<Path> filesUnder(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> !p.equals(root)).sorted().toList();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void extractsEveryFileExactlyToOutAndToStdout(boolean gzip, Random random) throws Exception {
        Built b = build(random, gzip);
        Map<String, RandomLayer.Entry> byName = byName(b.layer());
        List<Path> written = new ArrayList<>();
        int regular = 0, hardlinks = 0, hostile = 0;
        for (RandomLayer.Entry e : b.layer().entries()) {
            if (e.type() != EntryType.REG && e.type() != EntryType.HARDLINK) continue;
            byte[] expected = expectedContent(byName, e);
            if (e.type() == EntryType.HARDLINK) hardlinks++;
            else regular++;
            if (e.name().contains("..") || e.name().startsWith("/")) hostile++;

            Soci.Run toStdout = getFile(b, e.name(), null);
            assertThat(toStdout.exitCode()).as("%s: %s", e.name(), toStdout).isZero();
            assertThat(toStdout.stderr()).isEmpty();
            assertThat(toStdout.stdoutBytes()).as(e.name()).isEqualTo(expected);

            Path target = out.resolve("file-" + written.size());
            Soci.Run toFile = getFile(b, e.name(), target);
            assertThat(toFile.exitCode()).as("%s: %s", e.name(), toFile).isZero();
            assertThat(toFile.stdoutBytes()).isEmpty();
            assertThat(Files.readAllBytes(target)).as(e.name()).isEqualTo(expected);
            written.add(target);
        }
        assertThat(regular).isGreaterThan(10);
        assertThat(hardlinks).isPositive();
        assertThat(hostile).as("entries named ../x or /abs").isPositive();
        // names like ../x never lead outside OUT: exactly the files asked for, nothing beside the inputs
        assertThat(filesUnder(out)).containsExactlyInAnyOrderElementsOf(written);
        assertThat(filesUnder(tmp).stream().filter(p -> !p.startsWith(out))).containsExactlyInAnyOrder(
                in, b.blob(), b.ztocFile());
    }

    @Test
    void refusesWhatIsNotARegularFile(Random random) throws Exception {
        Built b = build(random, true);
        int checked = 0;
        for (RandomLayer.Entry e : b.layer().entries()) {
            if (e.type() == EntryType.REG || e.type() == EntryType.HARDLINK) continue;
            Path target = out.resolve("x");
            Soci.Run run = getFile(b, e.name(), target);
            assertThat(run.exitCode()).as("%s %s: %s", e.type(), e.name(), run).isEqualTo(6);
            String expected = e.type() == EntryType.SYMLINK
                    ? "soci: %s is a symlink to %s; symlinks are not followed".formatted(e.name(), e.linkname())
                    : "soci: %s is a %s, not a regular file".formatted(e.name(), e.type().wireName());
            assertThat(run.stderrLines()).containsExactly(dev.soci4j.cli.output.ControlChars.escape(expected));
            assertThat(target).doesNotExist();
            assertThat(run.stdoutBytes()).isEmpty();
            checked++;
        }
        assertThat(checked).isGreaterThan(5);
    }

    @Test
    void missingPathIsNotFound(Random random) throws Exception {
        Built b = build(random, true);
        Soci.Run run = getFile(b, "no/such/file", out.resolve("x"));
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.stderrLines()).containsExactly("soci: no file no/such/file in " + b.ztocFile());
        assertThat(out.resolve("x")).doesNotExist();
    }

    @Test
    void anotherLayerIsRefusedAndLeavesNoOutput(Random random) throws Exception {
        Built b = build(random, true);
        RandomLayer.Entry file = largestFile(b);
        // the golden layers: one shorter than ours, one (the tar) longer but with other bytes
        for (String other : List.of("gnu.tar.gz", "gnu.tar")) {
            Built wrong = new Built(b.layer(), Golden.file(other), b.ztocFile(), b.ztoc());
            for (Path target : new Path[] {out.resolve("x"), null}) {
                Soci.Run run = getFile(wrong, file.name(), target);
                assertThat(run.exitCode()).as(other + ": " + run).isEqualTo(6);
                assertThat(run.stderrLines()).singleElement().asString().startsWith("soci: ")
                        .contains(Golden.file(other).toString());
                assertThat(run.stdoutBytes()).isEmpty();
            }
            assertThat(filesUnder(out)).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void oneFlippedByteIsADigestMismatchAndNothingIsWritten(boolean gzip, Random random) throws Exception {
        Built b = build(random, gzip);
        SpanTable spans = SpanTable.of(b.ztoc());
        // a file over several spans, with the byte flipped in its last span: its first spans verify,
        // so a streaming copy would already have written part of it
        RandomLayer.Entry victim = largestFile(b);
        FileMetadata meta = b.ztoc().files().stream().filter(f -> f.name().equals(victim.name())).findFirst().orElseThrow();
        int first = spans.spanOf(meta.uncompressedOffset());
        int last = spans.spanOf(meta.uncompressedEnd() - 1);
        assertThat(last).as("the largest file spans several spans").isGreaterThan(first);
        Span span = spans.span(last);
        byte[] blob = Files.readAllBytes(b.blob());
        int at = (int) (span.compressedStart() + random.nextLong(span.compressedEnd() - span.compressedStart()));
        blob[at] ^= (byte) (1 + random.nextInt(255));
        Files.write(b.blob(), blob);

        Path target = out.resolve("victim");
        Soci.Run toFile = getFile(b, victim.name(), target);
        assertThat(toFile.exitCode()).as(toFile.toString()).isEqualTo(6);
        assertThat(toFile.stderrLines()).singleElement().asString()
                .startsWith("soci: span %d of %s".formatted(last, b.blob())).contains("failed verification");
        assertThat(filesUnder(out)).as("no output, no temporary file").isEmpty();

        Soci.Run toStdout = getFile(b, victim.name(), null);
        assertThat(toStdout.exitCode()).isEqualTo(6);
        assertThat(toStdout.stdoutBytes()).as("no partial bytes on stdout").isEmpty();

        // every other file: its exact bytes, or exit 6 and nothing
        Map<String, RandomLayer.Entry> byName = byName(b.layer());
        int failed = 0;
        for (RandomLayer.Entry e : b.layer().entries()) {
            if (e.type() != EntryType.REG) continue;
            Soci.Run run = getFile(b, e.name(), null);
            if (run.exitCode() == 0) {
                assertThat(run.stdoutBytes()).as(e.name()).isEqualTo(expectedContent(byName, e));
            } else {
                assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
                assertThat(run.stdoutBytes()).isEmpty();
                failed++;
            }
        }
        assertThat(failed).isPositive();
    }

    @Test
    void layerThatIsADirectoryIsInvalid(Random random) throws Exception {
        Built b = build(random, false);
        Built wrong = new Built(b.layer(), in, b.ztocFile(), b.ztoc());
        Soci.Run run = getFile(wrong, largestFile(b).name(), null);
        assertThat(run.exitCode()).isEqualTo(6);
        assertThat(run.stderrLines()).containsExactly("soci: " + in + " is a directory, not a layer blob");
    }

    @Test
    void outputInAMissingDirectoryIsNotFound(Random random) throws Exception {
        Built b = build(random, true);
        Path target = out.resolve("no/such/dir/x");
        Soci.Run run = getFile(b, largestFile(b).name(), target);
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.stderrLines()).containsExactly(
                "soci: no such directory: %s (for -o %s)".formatted(target.getParent(), target));
    }

    @Test
    void extractsFromTheGoldenLayerThroughTheReferenceZtoc() throws Exception {
        Path target = tmp.resolve("conf");
        Soci.Run run = Soci.run("ztoc", "get-file", "-l", Golden.file("gnu.tar.gz").toString(),
                Golden.file("gnu.tar.gz.span1m.ztoc").toString(), "etc/conf", "-o", target.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        Soci.Run viaTar = Soci.run("ztoc", "get-file", "-l", Golden.file("gnu.tar").toString(),
                Golden.file("gnu.tar.span1m.ztoc").toString(), "./etc/conf");
        assertThat(viaTar.exitCode()).as(viaTar.toString()).isZero();
        assertThat(Files.readAllBytes(target)).hasSize(1_800_000).isEqualTo(viaTar.stdoutBytes());
    }

    private static RandomLayer.Entry largestFile(Built b) {
        return b.layer().entries().stream().filter(e -> e.type() == EntryType.REG)
                .max(Comparator.comparingLong(RandomLayer.Entry::size)).orElseThrow();
    }
}
