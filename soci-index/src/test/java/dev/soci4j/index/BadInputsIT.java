package dev.soci4j.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci4j.index.store.IndexStore;
import dev.soci4j.oci.BlobNotFoundException;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.ManifestNotFoundException;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.RegistryUnauthorizedException;
import dev.soci4j.oci.auth.Credential;
import dev.soci4j.oci.auth.CredentialSource;
import dev.soci4j.oci.layout.OciLayoutDirectory;
import dev.soci4j.oci.manifest.ImageManifest;
import dev.soci4j.oci.manifest.RawManifest;
import dev.soci4j.oci.testing.LocalRegistry;
import dev.soci4j.ztoc.testing.SeededRandom;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Bad inputs give clear errors and leave the destination without the target tag. */
@Tag("registry")
@ExtendWith(SeededRandom.class)
class BadInputsIT {
    private static void assertNoTag(RegistryClient client, ImageReference ref) {
        assertThatThrownBy(() -> client.pullManifest(ref)).isInstanceOf(ManifestNotFoundException.class);
    }

    @Test
    void artifactsUnknownMediaTypesAndMissingBlobs(Random random, @TempDir Path dir) throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("reg")); RegistryClient client = RegistryClient.builder().build()) {
            SociConverter converter = new SociConverter(client, IndexStore.open(dir.resolve("store")), null);
            ImageReference repo = ImageReference.parse(registry.address() + "/bad/app:x");
            TestLayers.Layer layer = TestLayers.layer(random, "a", 20, 20_000, false, false, true);
            client.pushBlob(repo, layer.blob());
            byte[] artifactConfig = "{\"kind\":\"helm\"}".getBytes(StandardCharsets.UTF_8);
            client.pushBlob(repo, artifactConfig);
            client.pushBlob(repo, "{}".getBytes(StandardCharsets.UTF_8));

            // a non-image artifact
            RawManifest artifact = RawManifest.of(ImageManifest.of(Descriptor.of("application/vnd.example.chart.config.v1+json", artifactConfig), List.of(layer.descriptor())));
            client.pushManifest(repo.withTag("artifact"), artifact);
            assertThatThrownBy(() -> converter.convert(ConvertRequest.of(repo.withTag("artifact").toString(), repo.withTag("artifact-soci").toString())
                    .withBuild(ConvertIT.OPTIONS)))
                    .isInstanceOf(UnsupportedImageException.class)
                    .hasMessageContaining("is not a container image").hasMessageContaining("application/vnd.example.chart.config.v1+json");
            assertNoTag(client, repo.withTag("artifact-soci"));

            // an unknown layer media type
            byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
            client.pushBlob(repo, config);
            RawManifest odd = RawManifest.of(ImageManifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, config),
                    List.of(new Descriptor("application/vnd.example.layer.v1.squashfs", layer.descriptor().digest(), layer.blob().length))));
            client.pushManifest(repo.withTag("odd"), odd);
            assertThatThrownBy(() -> converter.convert(ConvertRequest.of(repo.withTag("odd").toString(), repo.withTag("odd-soci").toString())
                    .withBuild(ConvertIT.OPTIONS)))
                    .isInstanceOf(UnsupportedImageException.class)
                    .hasMessageContaining(layer.descriptor().digest().toString()).hasMessageContaining("application/vnd.example.layer.v1.squashfs");
            assertNoTag(client, repo.withTag("odd-soci"));

            // a layout whose manifest names a blob it lacks; and a layout entry of an unknown media type
            OciLayoutDirectory layout = OciLayoutDirectory.open(dir.resolve("layout"));
            Path c = Files.write(dir.resolve("config"), config);
            layout.putBlob(Descriptor.of(MediaTypes.OCI_CONFIG, config), c);
            layout.putManifest(RawManifest.of(ImageManifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, config), List.of(layer.descriptor()))), "missing");
            assertThatThrownBy(() -> converter.convert(ConvertRequest.of("oci:" + layout.root() + ":missing", repo.withTag("missing-soci").toString())
                    .withBuild(ConvertIT.OPTIONS)))
                    .isInstanceOf(LayerIndexException.class)
                    .hasMessageContaining(layer.descriptor().digest().toString())
                    .hasCauseInstanceOf(BlobNotFoundException.class);
            assertNoTag(client, repo.withTag("missing-soci"));
            layout.putManifest(new RawManifest("application/vnd.example.unknown+json", ("{\"schemaVersion\":2,\"config\":" + TestLayers.desc(MediaTypes.OCI_CONFIG, Descriptor.of("x", config)) + ",\"layers\":[]}")
                    .getBytes(StandardCharsets.UTF_8)), "unknown");
            assertThatThrownBy(() -> converter.convert(ConvertRequest.of("oci:" + layout.root() + ":unknown", repo.withTag("unknown-soci").toString())))
                    .isInstanceOf(UnsupportedImageException.class).hasMessageContaining("unknown manifest media type application/vnd.example.unknown+json");
            assertNoTag(client, repo.withTag("unknown-soci"));
        }
    }

    @Test
    void authenticationFailureIsReportedAndNothingIsWritten(Random random, @TempDir Path dir) throws Exception {
        Path htpasswd = Path.of("/usr/bin/htpasswd");
        assumeTrue(Files.isExecutable(htpasswd), "needs htpasswd (Debian package apache2-utils)");
        Process p = new ProcessBuilder(htpasswd.toString(), "-Bbn", "alice", "s3cret").start();
        byte[] line = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        Path file = Files.write(dir.resolve("htpasswd"), line);
        String auth = """
                auth:
                  htpasswd:
                    realm: soci4j-test
                    path: %s
                """.formatted(file);
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("reg"), new LocalRegistry.Options(auth, null));
             RegistryClient alice = RegistryClient.builder().credentials(CredentialSource.of(new Credential.UsernamePassword("alice", "s3cret"))).build();
             RegistryClient wrong = RegistryClient.builder().credentials(CredentialSource.of(new Credential.UsernamePassword("alice", "nope"))).build()) {
            ImageReference src = ImageReference.parse(registry.address() + "/auth/app:v1");
            TestLayers.push(alice, src, ConvertIT.amd64(random, false), "v1");
            SociConverter converter = new SociConverter(wrong, IndexStore.open(dir.resolve("store")), null);
            assertThatThrownBy(() -> converter.convert(ConvertRequest.of(src.toString(), src.withTag("soci").toString()).withBuild(ConvertIT.OPTIONS)))
                    .isInstanceOf(RegistryUnauthorizedException.class)
                    .hasMessageContaining("auth/app").hasMessageContaining("401").hasMessageNotContaining("nope");
            assertNoTag(alice, src.withTag("soci"));
            // with the right credentials it converts
            new SociConverter(alice, IndexStore.open(dir.resolve("store")), null)
                    .convert(ConvertRequest.of(src.toString(), src.withTag("soci").toString()).withBuild(ConvertIT.OPTIONS));
            assertThat(alice.pullManifest(src.withTag("soci")).mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
        }
    }
}
