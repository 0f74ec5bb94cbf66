package dev.soci4j.oci.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.manifest.ImageManifest;
import dev.soci4j.oci.manifest.RawManifest;
import dev.soci4j.oci.testing.LocalRegistry;
import dev.soci4j.ztoc.testing.SeededRandom;
import dev.soci4j.oci.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Layouts and copies against skopeo and the real registry, both ways, keeping digests. */
@Tag("registry")
@ExtendWith(SeededRandom.class)
class SkopeoInteropIT {
    private static final Path SKOPEO = Path.of("/usr/bin/skopeo");

    private static void skopeo(String... args) throws Exception {
        assumeTrue(Files.isExecutable(SKOPEO), "needs skopeo (Debian package skopeo)");
        List<String> cmd = new java.util.ArrayList<>(List.of(SKOPEO.toString(), "--insecure-policy"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("skopeo %s:%n%s", cmd, out).isZero();
    }

    @Test
    void whatWePushSkopeoCopiesAndWhatSkopeoPushesWeRead(Random random, @TempDir Path dir) throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("reg"));
             RegistryClient client = RegistryClient.builder().build()) {
            ImageReference ours = ImageReference.parse(registry.address() + "/interop/ours:v1");
            TestImages.Pushed pushed = TestImages.pushMultiPlatform(client, ours, random);
            // a SOCI-like referrer, to see artifacts travel with the image
            byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
            client.pushBlob(ours, empty);
            RawManifest referrer = RawManifest.of(ImageManifest.of(Descriptor.of(MediaTypes.OCI_EMPTY, empty), List.of())
                    .withArtifactType(MediaTypes.SOCI_INDEX_V2).withSubject(pushed.manifests().getFirst().descriptor()));
            client.pushManifest(ours.withDigest(referrer.digest()), referrer);

            // registry → skopeo → OCI layout dir: our layout reader sees the same bytes
            Path skopeoDir = dir.resolve("skopeo-layout");
            skopeo("copy", "--all", "--src-tls-verify=false", "docker://" + ours, "oci:" + skopeoDir + ":v1");
            OciLayoutDirectory theirs = OciLayoutDirectory.open(skopeoDir);
            assertThat(theirs.manifest("v1").digest()).isEqualTo(pushed.index().digest());

            // OCI layout (skopeo's) → our copier → registry: same digests
            ImageReference back = ImageReference.parse(registry.address() + "/interop/back:v1");
            Descriptor root = ImageCopier.copy(theirs, "v1", new RegistryImageStore(client, back), "v1", false);
            assertThat(root.digest()).isEqualTo(pushed.index().digest());
            assertThat(client.pullManifest(back).digest()).isEqualTo(pushed.index().digest());

            // registry → our copier → our layout dir (with referrers) → our tar → skopeo → registry
            OciLayoutDirectory layout = OciLayoutDirectory.open(dir.resolve("our-layout"));
            ImageCopier.copy(new RegistryImageStore(client, ours), "v1", layout, "v1", true);
            assertThat(layout.referrers(pushed.manifests().getFirst().digest()))
                    .extracting(Descriptor::digest).containsExactly(referrer.digest());
            Path tar = dir.resolve("image.tar");
            OciLayoutTar.write(layout, tar);
            ImageReference viaSkopeo = ImageReference.parse(registry.address() + "/interop/skopeo:v1");
            skopeo("copy", "--all", "--dest-tls-verify=false", "oci-archive:" + tar + ":v1", "docker://" + viaSkopeo);
            assertThat(client.pullManifest(viaSkopeo).digest()).isEqualTo(pushed.index().digest());

            // skopeo's archive → our tar reader
            Path theirTar = dir.resolve("theirs.tar");
            skopeo("copy", "--all", "--src-tls-verify=false", "docker://" + ours, "oci-archive:" + theirTar + ":v1");
            OciLayoutDirectory extracted = OciLayoutTar.extract(theirTar, dir.resolve("extracted"));
            assertThat(extracted.manifest("v1").digest()).isEqualTo(pushed.index().digest());
            for (byte[] blob : pushed.blobs())
                assertThat(Files.readAllBytes(extracted.blobPath(dev.soci4j.oci.Digest.of(blob)))).isEqualTo(blob);

            // our layout → registry keeps the referrer whole (fallback tag on this registry)
            ImageReference copied = ImageReference.parse(registry.address() + "/interop/copied:v1");
            ImageCopier.copy(layout, "v1", new RegistryImageStore(client, copied), "v1", true);
            assertThat(client.listReferrers(copied, pushed.manifests().getFirst().digest(), MediaTypes.SOCI_INDEX_V2).manifests())
                    .extracting(Descriptor::digest).containsExactly(referrer.digest());
        }
    }
}
