package dev.soci4j.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci4j.cli.Soci;
import dev.soci4j.fs.fuse.KernelMounts;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.testing.LocalRegistry;
import dev.soci4j.ztoc.testing.SeededRandom;
import dev.soci4j.ztoc.TocPaths;
import dev.soci4j.ztoc.testing.RandomLayer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code soci mount} and {@code soci umount} by an unprivileged user (nobody, through setpriv): the
 * layers are merged into one FUSE mount made with fusermount3 (overlayfs would need root), the
 * user reads the image's files through it, and unmounts it again. Needs root to drop to nobody, and
 * a {@code /dev/fuse} others may open (as distributions ship it; {@code .ci/run} makes it so).
 */
@Tag("fuse")
@Tag("registry")
@ExtendWith(SeededRandom.class)
class MountWithoutRootIT {
    private static final String NOBODY = "65534";

    @TempDir
    Path tmp;

    private static Process asNobody(List<String> command, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("HOME", log.getParent().toString());
        pb.environment().remove("XDG_RUNTIME_DIR");
        return pb.start();
    }

    @Test
    @Timeout(180)
    void nobodyMountsTheImageMergedReadsItAndUnmounts(Random random) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "the test needs root to run soci as nobody");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/fusermount3")) || Files.isExecutable(Path.of("/bin/fusermount3")),
                "needs fusermount3 (apt-get install fuse3)");
        assumeTrue(Files.exists(Path.of("/dev/fuse")), "/dev/fuse is missing");
        Set<PosixFilePermission> fuse = Files.getPosixFilePermissions(Path.of("/dev/fuse"));
        assumeTrue(fuse.contains(PosixFilePermission.OTHERS_READ) && fuse.contains(PosixFilePermission.OTHERS_WRITE),
                "/dev/fuse is not crw-rw-rw- here: fusermount3 opens it with the user's own permissions");
        Path jar = Soci.jar();
        assumeTrue(jar != null, "soci-cli/target/soci.jar not built (run ./mvnw -pl soci-cli package)");

        // a world-readable place for nobody: the jar, the mount point and the state (the temp dir is root's only)
        Path home = Files.createTempDirectory(Path.of("/tmp"), "soci4j-nobody-");
        Path mnt = home.resolve("mnt");
        try {
            Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Path nobodyJar = Files.copy(jar, home.resolve("soci.jar"));
            Files.createDirectories(mnt);
            Path state = Files.createDirectories(home.resolve("state"));
            new ProcessBuilder("chown", "-R", NOBODY + ":" + NOBODY, mnt.toString(), state.toString(), home.toString())
                    .inheritIO().start().waitFor();
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();

            try (LocalRegistry registry = LocalRegistry.start(tmp.resolve("registry"));
                 RegistryClient client = RegistryClient.builder().build()) {
                ImageFixture.Image image = ImageFixture.writeConverted(client, registry.address(), random, tmp);

                Path mountLog = home.resolve("mount.log");
                Process mount = asNobody(List.of(javaBin, "--enable-native-access=ALL-UNNAMED", "-jar", nobodyJar.toString(),
                        "mount", registry.address() + "/app:soci", mnt.toString(), "--plain-http", "--platform", "linux/amd64",
                        "--background-fetch", "off", "--state-dir", state.toString()), mountLog);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!KernelMounts.isMounted(mnt) && mount.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
                assertThat(KernelMounts.isMounted(mnt)).as(() -> read(mountLog)).isTrue();

                // one FUSE mount, made for nobody by fusermount3: no overlay, no allow_other
                String mountinfo = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                        .filter(l -> l.split(" ")[4].equals(mnt.toString())).findFirst().orElseThrow();
                assertThat(mountinfo).contains("fuse.soci", "user_id=" + NOBODY).doesNotContain("allow_other");

                RandomLayer.Entry file = image.bigLayers().getFirst().someFile();
                Path inMount = mnt.resolve(TocPaths.clean(file.name()));
                Path out = home.resolve("sha.txt");
                Process sha = asNobody(List.of("sha256sum", inMount.toString()), out);
                assertThat(sha.waitFor()).as(() -> read(out)).isZero();
                String expected = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(file.content()));
                assertThat(read(out)).startsWith(expected);

                Path umountLog = home.resolve("umount.log");
                Process umount = asNobody(List.of(javaBin, "--enable-native-access=ALL-UNNAMED", "-jar", nobodyJar.toString(),
                        "umount", mnt.toString(), "--state-dir", state.toString()), umountLog);
                assertThat(umount.waitFor()).as(() -> read(umountLog)).isZero();
                assertThat(mount.waitFor(30, TimeUnit.SECONDS)).as(() -> read(mountLog)).isTrue();
                assertThat(mount.exitValue()).as(() -> read(mountLog)).isZero();
                assertThat(KernelMounts.isMounted(mnt)).isFalse();
            }
        } finally {
            KernelMounts.unmount(mnt);
            try (Stream<Path> walk = Files.walk(home)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
