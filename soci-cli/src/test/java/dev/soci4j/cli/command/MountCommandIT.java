package dev.soci4j.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci4j.cli.Soci;
import dev.soci4j.fs.fuse.KernelMounts;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.layout.RegistryImageStore;
import dev.soci4j.oci.testing.LocalRegistry;
import dev.soci4j.oci.testing.SeededRandom;
import dev.soci4j.ztoc.testing.RandomLayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code soci mount}, {@code soci mount --stats} and {@code soci umount} against the real registry, as root. */
@Tag("fuse")
@Tag("registry")
@ExtendWith(SeededRandom.class)
class MountCommandIT {
    @TempDir
    Path tmp;

    @Test
    @Timeout(120)
    void mountsReadsReportsAndUnmounts(Random random) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting needs root");
        assumeTrue(Files.exists(Path.of("/dev/fuse")), "/dev/fuse is missing");
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Path state = tmp.resolve("state");
        try (LocalRegistry registry = LocalRegistry.start(tmp.resolve("registry"));
             RegistryClient client = RegistryClient.builder().build()) {
            ImageReference ref = ImageReference.parse(registry.address() + "/app:v1");
            ImageFixture.Image image = ImageFixture.image(random, ImageFixture.AMD64);
            ImageFixture.write(new RegistryImageStore(client, ref), image, ref.tag(), tmp.resolve("scratch"));
            Soci.Run convert = Soci.run("convert", ref.toString(), registry.address() + "/app:soci", "--plain-http",
                    "--root", tmp.resolve("store").toString(), "--min-layer-size", "50000", "--span-size", "65536");
            assertThat(convert.exitCode()).as(convert.toString()).isZero();

            CompletableFuture<Soci.Run> mount = CompletableFuture.supplyAsync(() -> Soci.run("mount",
                    registry.address() + "/app:soci", mnt.toString(), "--plain-http", "--platform", "linux/amd64",
                    "--background-fetch", "off", "--state-dir", state.toString()));
            while (!KernelMounts.isMounted(mnt) && !mount.isDone()) Thread.sleep(50);
            assertThat(mount.isDone()).as(() -> mount.join().toString()).isFalse();

            RandomLayer.Entry file = image.bigLayers().getFirst().someFile();
            String path = dev.soci4j.ztoc.TocPaths.clean(file.name());
            assertThat(Files.readAllBytes(mnt.resolve(path))).isEqualTo(file.content());
            Thread.sleep(1500); // the stats file is refreshed every second
            Soci.Run stats = Soci.run("mount", "--stats", mnt.toString(), "--state-dir", state.toString());
            assertThat(stats.exitCode()).as(stats.toString()).isZero();
            assertThat(stats.stdout()).contains("layer=0", "lazy=true", "bytes_fetched=");

            Soci.Run umount = Soci.run("umount", mnt.toString(), "--state-dir", state.toString());
            assertThat(umount.exitCode()).as(umount.toString()).isZero();
            assertThat(mount.get(30, java.util.concurrent.TimeUnit.SECONDS).exitCode()).isZero();
            assertThat(KernelMounts.isMounted(mnt)).isFalse();
        } finally {
            KernelMounts.unmount(mnt);
            for (Path root : dev.soci4j.fs.mount.MountState.layerRoots(dev.soci4j.fs.mount.MountState.dirFor(state, mnt)))
                KernelMounts.unmount(root);
        }
    }
}
