package dev.soci4j.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soci4j.cli.ExitCode;
import dev.soci4j.cli.Soci;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.auth.Credential;
import dev.soci4j.oci.auth.CredentialSource;
import dev.soci4j.oci.layout.RegistryImageStore;
import dev.soci4j.oci.manifest.ImageIndex;
import dev.soci4j.oci.manifest.ImageManifest;
import dev.soci4j.oci.manifest.RawManifest;
import dev.soci4j.oci.testing.LocalRegistry;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The registry-facing commands (convert, create, push) against a real docker-registry on loopback. */
@Tag("registry")
@ExtendWith(SeededRandom.class)
class RegistryCommandsIT {
    @TempDir
    Path tmp;

    private LocalRegistry registry;
    private RegistryClient client;

    @BeforeEach
    void start() throws Exception {
        registry = LocalRegistry.start(tmp.resolve("registry"));
        client = RegistryClient.builder().build();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) client.close();
        if (registry != null) registry.close();
    }

    private Soci.Run soci(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--root", tmp.resolve("store").toString()));
        if (List.of("convert", "create", "push").contains(args[0])) all.add("--plain-http");
        return Soci.run(all.toArray(String[]::new));
    }

    private Soci.Run ok(String... args) {
        Soci.Run run = soci(args);
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return run;
    }

    private ImageReference ref(String repoAndTag) {
        return ImageReference.parse(registry.address() + "/" + repoAndTag);
    }

    private ImageFixture.Image push(Random random, String repoAndTag) throws Exception {
        ImageReference ref = ref(repoAndTag);
        ImageFixture.Image image = ImageFixture.image(random, ImageFixture.AMD64);
        ImageFixture.write(new RegistryImageStore(client, ref), image, ref.tag(), tmp.resolve("scratch"));
        return image;
    }

    @Test
    void convertsFromRegistryToRegistry(Random random) throws Exception {
        ImageFixture.Image image = push(random, "app:v1");
        Soci.Run run = ok("convert", ref("app:v1").toString(), ref("app:v1-soci").toString(),
                "--min-layer-size", "50000", "--span-size", "64KiB", "--json");
        JsonNode json = run.json();
        assertThat(json.path("destination").asText()).isEqualTo(ref("app:v1-soci").toString());
        JsonNode platform = json.path("platforms").get(0);
        assertThat(json.path("platforms").size()).isEqualTo(1);
        assertThat(platform.path("platform").asText()).isEqualTo("linux/amd64");
        assertThat(platform.path("source_manifest").asText()).isEqualTo(image.manifest().digest().toString());
        assertThat(platform.path("layers_indexed").asInt()).isEqualTo(2);
        assertThat(platform.path("layers_skipped").asInt()).isEqualTo(1);

        // the registry has the new index, with the SOCI index descriptor next to the rewritten manifest
        RawManifest pulled = client.pullManifest(ref("app:v1-soci"));
        assertThat(pulled.digest().toString()).isEqualTo(json.path("index_digest").asText());
        ImageIndex index = (ImageIndex) pulled.parse();
        assertThat(index.manifests()).hasSize(2);
        Descriptor imageEntry = index.manifests().get(0);
        Descriptor sociEntry = index.manifests().get(1);
        assertThat(imageEntry.digest().toString()).isEqualTo(platform.path("image_manifest").asText());
        assertThat(sociEntry.artifactType()).isEqualTo(MediaTypes.SOCI_INDEX_V2);
        assertThat(sociEntry.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(sociEntry.digest().toString()).isEqualTo(platform.path("soci_index").asText());
        assertThat(sociEntry.annotations()).containsEntry("com.amazon.soci.image-manifest-digest", imageEntry.digest().toString());

        ImageManifest soci = (ImageManifest) client.pullManifest(ref("app").withDigest(sociEntry.digest())).parse();
        assertThat(soci.config().mediaType()).isEqualTo(MediaTypes.SOCI_INDEX_V2);
        assertThat(soci.layers()).hasSize(2);
        for (Descriptor ztoc : soci.layers()) {
            assertThat(ztoc.mediaType()).isEqualTo(MediaTypes.SOCI_ZTOC);
            assertThat(client.blobSize(ref("app"), ztoc.digest())).hasValue(ztoc.size());
        }
        ImageManifest rewritten = (ImageManifest) client.pullManifest(ref("app").withDigest(imageEntry.digest())).parse();
        assertThat(rewritten.annotations()).containsEntry("com.amazon.soci.index-digest", sociEntry.digest().toString());

        // the v2 index is also in the local store
        JsonNode list = ok("index", "list", "--json").json();
        assertThat(list.size()).isEqualTo(1);
        assertThat(list.get(0).path("version").asText()).isEqualTo("v2");
        assertThat(list.get(0).path("image").asText()).isEqualTo(ref("app:v1-soci").toString());
    }

    @Test
    void createPushListInfoAndRm(Random random) throws Exception {
        ImageFixture.Image image = push(random, "web:v1");
        String ref = ref("web:v1").toString();
        String index = ok("create", ref, "--min-layer-size", "50000", "--span-size", "64KiB", "--json")
                .json().path("platforms").get(0).path("soci_index").asText();

        JsonNode pushed = ok("push", ref, "--json").json();
        JsonNode p = pushed.path("platforms").get(0);
        assertThat(p.path("platform").asText()).isEqualTo("linux/amd64");
        assertThat(p.path("soci_index").asText()).isEqualTo(index);
        assertThat(p.path("image_manifest").asText()).isEqualTo(image.manifest().digest().toString());
        assertThat(p.path("result").asText()).isEqualTo("pushed");
        ImageIndex referrers = client.listReferrers(ref("web"), image.manifest().digest(), MediaTypes.SOCI_INDEX_V1);
        assertThat(referrers.manifests()).extracting(d -> d.digest().toString()).contains(index);
        ImageManifest pulledIndex = (ImageManifest) client.pullManifest(ref("web").withDigest(Digest.parse(index))).parse();
        assertThat(pulledIndex.subject().digest()).isEqualTo(image.manifest().digest());

        // a second, different index (other span size) while the registry has the first one
        String second = ok("create", ref, "--min-layer-size", "50000", "--span-size", "32KiB", "--json")
                .json().path("platforms").get(0).path("soci_index").asText();
        assertThat(second).isNotEqualTo(index);
        JsonNode skipped = ok("push", ref, "--existing-index", "skip", "--json").json().path("platforms").get(0);
        assertThat(skipped.path("result").asText()).isEqualTo("skipped_existing");
        assertThat(skipped.path("existing")).extracting(JsonNode::asText).contains(index);
        Soci.Run table = ok("push", ref, "--existing-index", "SKIP");
        assertThat(table.stdout()).contains("PLATFORM", "skipped: the registry already has an index");
        assertThat(client.listReferrers(ref("web"), image.manifest().digest(), MediaTypes.SOCI_INDEX_V1).manifests())
                .extracting(d -> d.digest().toString()).doesNotContain(second);

        JsonNode list = ok("index", "list", "--ref", ref, "--json").json();
        assertThat(list).extracting(n -> n.path("digest").asText()).containsExactlyInAnyOrder(index, second);
        JsonNode info = ok("index", "info", index).json();
        assertThat(info.path("config").path("mediaType").asText()).isEqualTo(MediaTypes.SOCI_INDEX_V1);
        assertThat(info.path("subject").path("digest").asText()).isEqualTo(image.manifest().digest().toString());
        ok("index", "rm", index, second);
        assertThat(ok("index", "list", "--json").json().size()).isZero();

        Soci.Run nothingToPush = soci("push", ref);
        assertThat(nothingToPush.exitCode()).as(nothingToPush.toString()).isEqualTo(ExitCode.NOT_FOUND.code());
        assertThat(nothingToPush.stderrLines()).singleElement().asString().contains("soci create");
    }

    @Test
    void missingImageIsNotFound() {
        Soci.Run convert = soci("convert", ref("nothing:v1").toString(), ref("nothing:v1-soci").toString());
        assertThat(convert.exitCode()).as(convert.toString()).isEqualTo(ExitCode.NOT_FOUND.code());
        assertThat(convert.stderrLines()).singleElement().asString().startsWith("soci: ").contains("nothing");
        Soci.Run create = soci("create", ref("nothing:v1").toString());
        assertThat(create.exitCode()).as(create.toString()).isEqualTo(ExitCode.NOT_FOUND.code());
    }

    @Test
    void imageWithNothingToIndexIsInvalidInputAndLeavesTheRegistryAlone(Random random) throws Exception {
        ImageReference ref = ref("tiny:v1");
        ImageFixture.write(new RegistryImageStore(client, ref), ImageFixture.tinyImage(random, ImageFixture.AMD64), "v1", tmp.resolve("scratch"));
        Soci.Run run = soci("convert", ref.toString(), ref("tiny:v1-soci").toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(run.stderrLines()).singleElement().asString().contains("no layer to index");
        assertThat(client.headManifest(ref("tiny:v1-soci"))).isEmpty();
    }

    @Test
    void badCredentialsAreExit4(Random random) throws Exception {
        Path htpasswd = Path.of("/usr/bin/htpasswd");
        assumeTrue(Files.isExecutable(htpasswd), "needs htpasswd (Debian package apache2-utils)");
        Process p = new ProcessBuilder(htpasswd.toString(), "-Bbn", "alice", "s3cret").start();
        byte[] line = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        Path file = tmp.resolve("htpasswd");
        Files.write(file, line);
        String auth = """
                auth:
                  htpasswd:
                    realm: soci4j-test
                    path: %s
                """.formatted(file);
        try (LocalRegistry secured = LocalRegistry.start(tmp.resolve("secured"), new LocalRegistry.Options(auth, null));
             RegistryClient alice = RegistryClient.builder()
                     .credentials(CredentialSource.of(new Credential.UsernamePassword("alice", "s3cret"))).build()) {
            ImageReference ref = ImageReference.parse(secured.address() + "/private/app:v1");
            ImageFixture.write(new RegistryImageStore(alice, ref), ImageFixture.image(random, ImageFixture.AMD64), "v1", tmp.resolve("scratch"));
            String dst = secured.address() + "/private/app:v1-soci";

            Soci.Run wrong = soci("convert", ref.toString(), dst, "-u", "alice:wrong-password", "--min-layer-size", "50000");
            assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(ExitCode.PERMISSION.code());
            assertThat(wrong.stderrLines()).singleElement().asString().startsWith("soci: ").doesNotContain("wrong-password");

            Soci.Run right = soci("convert", ref.toString(), dst, "-u", "alice:s3cret", "--min-layer-size", "50000", "--json");
            assertThat(right.exitCode()).as(right.toString()).isZero();
            assertThat(alice.headManifest(ImageReference.parse(dst))).isPresent();

            Soci.Run badUser = soci("convert", ref.toString(), dst, "-u", "no-colon");
            assertThat(badUser.exitCode()).isEqualTo(ExitCode.USAGE.code());
        }
    }
}
