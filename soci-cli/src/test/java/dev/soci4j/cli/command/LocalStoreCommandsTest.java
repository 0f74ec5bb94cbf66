package dev.soci4j.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soci4j.cli.ExitCode;
import dev.soci4j.cli.Soci;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.layout.OciLayoutDirectory;
import dev.soci4j.ztoc.testing.RandomLayer;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * soci create (v1) from an OCI layout into the local store, then index list/info/rm, ztoc
 * list/info/get-file by digest and rebuild-db on that store. No registry needed.
 */
@ExtendWith(SeededRandom.class)
class LocalStoreCommandsTest {
    @TempDir
    Path tmp;

    private Path root;
    private String image;
    private ImageFixture.Image fixture;

    private void createImage(Random random) throws Exception {
        root = tmp.resolve("store");
        Path layout = tmp.resolve("layout");
        fixture = ImageFixture.image(random, ImageFixture.AMD64);
        ImageFixture.write(OciLayoutDirectory.open(layout), fixture, "v1", tmp.resolve("scratch"));
        image = "oci:" + layout + ":v1";
    }

    private Soci.Run soci(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--root", root.toString()));
        return Soci.run(all.toArray(String[]::new));
    }

    private Soci.Run ok(String... args) {
        Soci.Run run = soci(args);
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return run;
    }

    private JsonNode create() {
        return ok("create", image, "--min-layer-size", String.valueOf(ImageFixture.MIN_LAYER_SIZE), "--span-size", "64KiB", "--json").json();
    }

    @Test
    void createReportsEveryLayerAndStoresTheIndex(Random random) throws Exception {
        createImage(random);
        JsonNode created = create();
        assertThat(created.path("image").asText()).isEqualTo(image);
        JsonNode platform = created.path("platforms").get(0);
        assertThat(created.path("platforms").size()).isEqualTo(1);
        assertThat(platform.path("platform").asText()).isEqualTo("linux/amd64");
        assertThat(platform.path("source_manifest").asText()).isEqualTo(fixture.manifest().digest().toString());
        assertThat(platform.path("layers_indexed").asInt()).isEqualTo(2);
        assertThat(platform.path("layers_skipped").asInt()).isEqualTo(1);
        JsonNode layers = platform.path("layers");
        for (int i = 0; i < 3; i++)
            assertThat(layers.get(i).path("digest").asText()).isEqualTo(fixture.layers().get(i).descriptor().digest().toString());
        assertThat(layers.get(0).path("status").asText()).isEqualTo("indexed");
        assertThat(layers.get(0).path("span_size").asLong()).isEqualTo(ImageFixture.SPAN_SIZE);
        assertThat(layers.get(1).path("status").asText()).isEqualTo("skipped");
        assertThat(layers.get(1).path("reason").asText()).contains("minimum layer size");
        assertThat(layers.get(1).path("ztoc").isNull()).isTrue();
        String index = platform.path("soci_index").asText();

        // the table form names the same index
        Soci.Run table = ok("create", image, "--min-layer-size", "50000", "--span-size", "65536");
        assertThat(table.stdout()).contains("PLATFORM", "SOCI INDEX", index, "skipped: smaller than the minimum layer size", "soci push " + image);
        assertThat(table.stderr()).isEmpty(); // no terminal, no progress bars

        // re-creating reuses the stored zTOCs and gives the same index
        JsonNode again = create();
        assertThat(again.path("platforms").get(0).path("soci_index").asText()).isEqualTo(index);
        assertThat(again.path("platforms").get(0).path("layers").get(0).path("status").asText()).isEqualTo("reused");
        JsonNode forced = ok("create", image, "--min-layer-size", "50000", "--span-size", "64KiB", "-f", "--json").json();
        assertThat(forced.path("platforms").get(0).path("layers").get(2).path("status").asText()).isEqualTo("indexed");
        assertThat(forced.path("platforms").get(0).path("soci_index").asText()).isEqualTo(index);
    }

    @Test
    void indexListInfoAndRm(Random random) throws Exception {
        createImage(random);
        String index = create().path("platforms").get(0).path("soci_index").asText();

        JsonNode list = ok("index", "list", "--json").json();
        assertThat(list.size()).isEqualTo(1);
        assertThat(list.get(0).path("digest").asText()).isEqualTo(index);
        assertThat(list.get(0).path("version").asText()).isEqualTo("v1");
        assertThat(list.get(0).path("image").asText()).isEqualTo(image);
        assertThat(list.get(0).path("platform").asText()).isEqualTo("linux/amd64");
        assertThat(list.get(0).path("manifest_digest").asText()).isEqualTo(fixture.manifest().digest().toString());
        assertThat(ok("index", "list", "--ref", image, "--json").json().size()).isEqualTo(1);
        assertThat(ok("index", "list", "--ref", "other:v1", "--json").json().size()).isZero();
        assertThat(ok("index", "list", "--platform", "linux/amd64", "--json").json().size()).isEqualTo(1);
        assertThat(ok("index", "list", "--platform", "linux/arm64", "--json").json().size()).isZero();
        List<String> lines = ok("index", "list").stdout().lines().toList();
        assertThat(lines.getFirst()).matches("DIGEST +VERSION +IMAGE +PLATFORM +SIZE +CREATED");
        assertThat(lines.get(1)).startsWith(index).contains(" v1 ", image, "linux/amd64");

        JsonNode info = ok("index", "info", index).json();
        assertThat(info.path("config").path("mediaType").asText()).isEqualTo(MediaTypes.SOCI_INDEX_V1);
        assertThat(info.path("subject").path("digest").asText()).isEqualTo(fixture.manifest().digest().toString());
        assertThat(info.path("layers").size()).isEqualTo(2);
        for (JsonNode l : info.path("layers")) {
            assertThat(l.path("mediaType").asText()).isEqualTo(MediaTypes.SOCI_ZTOC);
            assertThat(l.path("annotations").path("com.amazon.soci.image-layer-mediaType").asText()).isEqualTo(MediaTypes.OCI_LAYER_GZIP);
        }

        JsonNode removed = ok("index", "rm", index, "--json").json();
        assertThat(removed.get(0).path("index").asText()).isEqualTo(index);
        assertThat(removed.get(0).path("ztocs_removed").size()).isEqualTo(2);
        assertThat(ok("index", "list", "--json").json().size()).isZero();
        assertThat(ok("ztoc", "list", "--json").json().size()).isZero();
        Soci.Run again = soci("index", "rm", index);
        assertThat(again.exitCode()).isEqualTo(ExitCode.NOT_FOUND.code());
        assertThat(again.stderrLines()).singleElement().asString().startsWith("soci: no index " + index);
    }

    @Test
    void ztocListInfoAndGetFileByDigest(Random random) throws Exception {
        createImage(random);
        String index = create().path("platforms").get(0).path("soci_index").asText();
        JsonNode ztocs = ok("ztoc", "list", "--json").json();
        assertThat(ztocs.size()).isEqualTo(2);
        List<String> layerDigests = new ArrayList<>();
        ztocs.forEach(z -> layerDigests.add(z.path("layer_digest").asText()));
        assertThat(layerDigests).containsExactlyInAnyOrderElementsOf(
                fixture.bigLayers().stream().map(l -> l.descriptor().digest().toString()).toList());
        assertThat(ztocs.get(0).path("span_size").asLong()).isEqualTo(ImageFixture.SPAN_SIZE);
        assertThat(ztocs.get(0).path("image").asText()).contains(image);

        ImageFixture.Layer layer = fixture.layers().getFirst();
        String layerDigest = layer.descriptor().digest().toString();
        JsonNode filtered = ok("ztoc", "list", "--layer-digest", layerDigest, "--json").json();
        assertThat(filtered.size()).isEqualTo(1);
        String ztoc = filtered.get(0).path("digest").asText();
        assertThat(ok("ztoc", "list").stdout().lines().findFirst().orElseThrow())
                .matches("DIGEST +SIZE +LAYER DIGEST +SPAN SIZE +IMAGE +CREATED");

        JsonNode info = ok("ztoc", "info", ztoc, "--json").json();
        assertThat(info.path("version").asText()).isEqualTo("0.9");
        assertThat(info.path("span_size").asLong()).isEqualTo(ImageFixture.SPAN_SIZE);
        List<String> names = new ArrayList<>();
        info.path("files").forEach(f -> names.add(f.path("filename").asText()));
        assertThat(names).containsAll(layer.tar().entries().stream().map(RandomLayer.Entry::name).toList());

        RandomLayer.Entry file = layer.someFile();
        Path blob = tmp.resolve("layer.tar.gz");
        Files.write(blob, layer.blob());
        Soci.Run got = ok("ztoc", "get-file", "--layer", blob.toString(), ztoc, file.name());
        assertThat(got.stdoutBytes()).isEqualTo(file.content());

        Soci.Run noLayer = soci("ztoc", "get-file", ztoc, file.name());
        assertThat(noLayer.exitCode()).isEqualTo(ExitCode.USAGE.code());

        // wrong kinds and unknown digests
        Soci.Run indexAsZtoc = soci("ztoc", "info", index);
        assertThat(indexAsZtoc.exitCode()).as(indexAsZtoc.toString()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(indexAsZtoc.stderr()).contains("is an index, not a zTOC");
        Soci.Run ztocAsIndex = soci("index", "info", ztoc);
        assertThat(ztocAsIndex.exitCode()).isEqualTo(ExitCode.INVALID_INPUT.code());
        String unknown = "sha256:" + "0".repeat(64);
        assertThat(soci("ztoc", "info", unknown).exitCode()).isEqualTo(ExitCode.NOT_FOUND.code());
        assertThat(soci("index", "info", unknown).exitCode()).isEqualTo(ExitCode.NOT_FOUND.code());
        // one bad digest among good ones: nothing is removed
        assertThat(soci("index", "rm", index, ztoc).exitCode()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(ok("index", "list", "--json").json().size()).isEqualTo(1);
        Soci.Run bad = soci("index", "info", "sha256:nothex");
        assertThat(bad.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(bad.stderrLines()).singleElement().asString().contains("bad DIGEST 'sha256:nothex'");
    }

    @Test
    void rebuildDbRestoresLostRecords(Random random) throws Exception {
        createImage(random);
        String index = create().path("platforms").get(0).path("soci_index").asText();
        JsonNode clean = ok("rebuild-db", "--json").json();
        assertThat(clean.path("indexes").asInt()).isEqualTo(1);
        assertThat(clean.path("ztocs").asInt()).isEqualTo(2);
        assertThat(clean.path("records_added").asInt()).isZero();

        try (Stream<Path> records = Files.list(root.resolve("artifacts"))) {
            for (Path p : records.toList()) Files.delete(p);
        }
        Files.writeString(root.resolve("artifacts").resolve("ff".repeat(32) + ".json"), "{not json");
        assertThat(ok("index", "list", "--json").json().size()).isZero();

        JsonNode rebuilt = ok("rebuild-db", "--json").json();
        assertThat(rebuilt.path("indexes").asInt()).isEqualTo(1);
        assertThat(rebuilt.path("ztocs").asInt()).isEqualTo(2);
        assertThat(rebuilt.path("records_added").asInt()).isEqualTo(3);
        assertThat(rebuilt.path("records_removed").asInt()).isEqualTo(1);
        JsonNode list = ok("index", "list", "--json").json();
        assertThat(list.size()).isEqualTo(1);
        assertThat(list.get(0).path("digest").asText()).isEqualTo(index);
        assertThat(list.get(0).path("manifest_digest").asText()).isEqualTo(fixture.manifest().digest().toString());
        assertThat(ok("rebuild-db").stdout()).contains("records written", "indexes");
    }

    @Test
    void missingLayoutIsNotFoundAndNothingIndexableIsInvalidInput(Random random) throws Exception {
        root = tmp.resolve("store");
        Soci.Run missing = soci("create", "oci:" + tmp.resolve("nope"));
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(ExitCode.NOT_FOUND.code());
        assertThat(missing.stderrLines()).singleElement().asString().startsWith("soci: ");

        Path layout = tmp.resolve("tiny");
        ImageFixture.write(OciLayoutDirectory.open(layout), ImageFixture.tinyImage(random, ImageFixture.AMD64), "v1", tmp.resolve("scratch"));
        Soci.Run none = soci("create", "oci:" + layout + ":v1");
        assertThat(none.exitCode()).as(none.toString()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(none.stderrLines()).singleElement().asString().contains("no layer to index");
        assertThat(ok("index", "list", "--json").json().size()).isZero();

        Soci.Run wrongPlatform = soci("create", "oci:" + layout + ":v1", "--platform", "linux/s390x");
        assertThat(wrongPlatform.exitCode()).as(wrongPlatform.toString()).isEqualTo(ExitCode.INVALID_INPUT.code());
    }
}
