package dev.soci4j.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soci4j.cli.ExitCode;
import dev.soci4j.cli.Soci;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.layout.OciLayoutDirectory;
import dev.soci4j.oci.manifest.ImageIndex;
import dev.soci4j.oci.manifest.RawManifest;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** soci convert between OCI layouts (no registry): the output, the layout written, and refusals. */
@ExtendWith(SeededRandom.class)
class ConvertLayoutTest {
    @TempDir
    Path tmp;

    private Soci.Run convert(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("convert", "--root", tmp.resolve("store").toString()));
        all.addAll(List.of(args));
        return Soci.run(all.toArray(String[]::new));
    }

    @Test
    void convertsEveryPlatformOfALayoutIntoAnotherLayout(Random random) throws Exception {
        Path src = tmp.resolve("src");
        ImageFixture.Image amd64 = ImageFixture.image(random, ImageFixture.AMD64);
        ImageFixture.Image arm64 = ImageFixture.image(random, ImageFixture.ARM64);
        ImageFixture.writeIndex(OciLayoutDirectory.open(src), List.of(amd64, arm64), "v1", tmp.resolve("scratch"));
        Path dst = tmp.resolve("dst");

        Soci.Run run = convert("oci:" + src + ":v1", "oci:" + dst + ":soci", "--all-platforms",
                "--min-layer-size", "50000", "--span-size", "64KiB", "--optimizations", "xattr", "--json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode json = run.json();
        assertThat(json.path("source").asText()).isEqualTo("oci:" + src + ":v1");
        assertThat(json.path("destination").asText()).isEqualTo("oci:" + dst + ":soci");
        assertThat(json.path("index_media_type").asText()).isEqualTo(MediaTypes.OCI_INDEX);
        assertThat(json.path("platforms").size()).isEqualTo(2);
        assertThat(json.path("platforms").get(0).path("platform").asText()).isEqualTo("linux/amd64");
        assertThat(json.path("platforms").get(1).path("platform").asText()).isEqualTo("linux/arm64/v8");
        for (JsonNode p : json.path("platforms")) {
            assertThat(p.path("layers_indexed").asInt()).isEqualTo(2);
            assertThat(p.path("layers_skipped").asInt()).isEqualTo(1);
        }

        OciLayoutDirectory out = OciLayoutDirectory.open(dst);
        RawManifest index = out.manifest("soci");
        assertThat(index.digest().toString()).isEqualTo(json.path("index_digest").asText());
        ImageIndex parsed = (ImageIndex) index.parse();
        List<Descriptor> soci = parsed.manifests().stream().filter(d -> MediaTypes.SOCI_INDEX_V2.equals(d.artifactType())).toList();
        assertThat(soci).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonNode p = json.path("platforms").get(i);
            assertThat(soci.get(i).digest().toString()).isEqualTo(p.path("soci_index").asText());
            assertThat(soci.get(i).annotations()).containsEntry("com.amazon.soci.image-manifest-digest", p.path("image_manifest").asText());
            // the rewritten image manifest points at its SOCI index
            RawManifest image = out.manifest(p.path("image_manifest").asText());
            assertThat(new String(image.bytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .contains("\"com.amazon.soci.index-digest\":\"" + p.path("soci_index").asText() + "\"");
        }

        // converting again gives the same digests
        Soci.Run again = convert("oci:" + src + ":v1", "oci:" + dst + ":soci", "--all-platforms",
                "--min-layer-size", "50000", "--span-size", "64KiB", "--optimizations", "xattr", "--json");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.json().path("index_digest").asText()).isEqualTo(json.path("index_digest").asText());

        // and the table form
        Soci.Run table = convert("oci:" + src + ":v1", "oci:" + dst + ":soci2", "--platform", "linux/arm64",
                "--min-layer-size", "50000", "--span-size", "64KiB");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.stdout()).contains("linux/arm64/v8", "reused", "skipped: smaller than the minimum layer size",
                "image index sha256:", "written to oci:" + dst + ":soci2");
        assertThat(table.stdout()).doesNotContain("linux/amd64");
    }

    @Test
    void refusesWhatItCannotConvertAndWritesNothing(Random random) throws Exception {
        Path src = tmp.resolve("src");
        ImageFixture.write(OciLayoutDirectory.open(src), ImageFixture.tinyImage(random, ImageFixture.AMD64), "v1", tmp.resolve("scratch"));
        Path dst = tmp.resolve("dst");

        Soci.Run none = convert("oci:" + src + ":v1", "oci:" + dst + ":soci"); // default 10 MiB minimum: nothing to index
        assertThat(none.exitCode()).as(none.toString()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(none.stderrLines()).singleElement().asString().startsWith("soci: ").contains("no layer to index");
        assertThat(Files.exists(dst.resolve("index.json")) && OciLayoutDirectory.open(dst).index().manifests().stream()
                .anyMatch(d -> "soci".equals(d.annotations().get(Descriptor.REF_NAME)))).isFalse();

        Soci.Run missing = convert("oci:" + tmp.resolve("nope") + ":v1", "oci:" + dst + ":soci");
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(ExitCode.NOT_FOUND.code());

        Soci.Run missingTag = convert("oci:" + src + ":v9", "oci:" + dst + ":soci");
        assertThat(missingTag.exitCode()).as(missingTag.toString()).isEqualTo(ExitCode.NOT_FOUND.code());

        Soci.Run digestOnly = convert("oci:" + src + ":v1", "localhost:5000/app@sha256:" + "a".repeat(64));
        assertThat(digestOnly.exitCode()).as(digestOnly.toString()).isEqualTo(ExitCode.USAGE.code());
        assertThat(digestOnly.stderr()).contains("needs a tag");

        Soci.Run badOptimization = convert("oci:" + src + ":v1", "oci:" + dst, "--optimizations", "speed");
        assertThat(badOptimization.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(badOptimization.stderr()).contains("unknown optimization 'speed' (known: xattr)");

        Soci.Run both = convert("oci:" + src + ":v1", "oci:" + dst, "--platform", "linux/amd64", "--all-platforms");
        assertThat(both.exitCode()).isEqualTo(ExitCode.USAGE.code());

        Soci.Run badSize = convert("oci:" + src + ":v1", "oci:" + dst, "--span-size", "4 parsecs");
        assertThat(badSize.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(badSize.stderrLines()).hasSize(1);
    }
}
