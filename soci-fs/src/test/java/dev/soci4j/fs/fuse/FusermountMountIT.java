package dev.soci4j.fs.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci4j.fs.FuseTesting;
import dev.soci4j.fs.layer.LayerFilesystem;
import dev.soci4j.fs.layer.LayerTree;
import dev.soci4j.fs.span.LayerStats;
import dev.soci4j.fs.span.SpanCache;
import dev.soci4j.fs.span.SpanManager;
import dev.soci4j.ztoc.testing.SeededRandom;
import dev.soci4j.ztoc.RangeSource;
import dev.soci4j.ztoc.SpanTable;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.ZtocBuilder;
import dev.soci4j.ztoc.testing.RandomLayer;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mounting through the real fusermount3: as root on the fusermount3 path (the fd passing and serving
 * it), and as user nobody (65534) in a child JVM started with setpriv, the way a user runs
 * {@code soci mount}. A user's FUSE mount is open to that user only, not even to root, so the trees
 * are read and compared as nobody too: the mount against {@code tar -x} of the same tar, with the
 * same owners and modes, so both sides deny the same entries.
 */
@Tag("fuse")
@ExtendWith(SeededRandom.class)
class FusermountMountIT {
    private static final int NOBODY = 65534;
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    /** One line per path, as tree-dump.py prints, with what the user may not do shown by errno instead. */
    private static final String USER_TREE_DUMP = """
            import errno, hashlib, os, stat, sys
            root = sys.argv[1]
            out = []
            def err(e):
                return errno.errorcode.get(e.errno, str(e.errno))
            def walk(d):
                try:
                    names = sorted(os.listdir(d))
                except OSError as e:
                    out.append("%r listdir=%s" % (os.path.relpath(d, root), err(e)))
                    return
                for name in names:
                    p = os.path.join(d, name)
                    rel = os.path.relpath(p, root)
                    try:
                        st = os.lstat(p)
                    except OSError as e:
                        out.append("%r lstat=%s" % (rel, err(e)))
                        continue
                    fields = [repr(rel), oct(st.st_mode), str(st.st_uid), str(st.st_gid)]
                    if stat.S_ISREG(st.st_mode):
                        fields.append("size=%d" % st.st_size)
                        try:
                            with open(p, "rb") as f:
                                fields.append("sha256=" + hashlib.sha256(f.read()).hexdigest())
                        except OSError as e:
                            fields.append("read=" + err(e))
                    elif stat.S_ISLNK(st.st_mode):
                        fields.append("-> " + repr(os.readlink(p)))
                    elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
                        fields.append("dev=%d:%d" % (os.major(st.st_rdev), os.minor(st.st_rdev)))
                    if not stat.S_ISDIR(st.st_mode) and not stat.S_ISLNK(st.st_mode):
                        fields.append("mtime=%d" % (st.st_mtime_ns // 1_000_000_000))
                    out.append(" ".join(fields))
                    if stat.S_ISDIR(st.st_mode):
                        walk(p)
            walk(root)
            print("\\n".join(sorted(out)))
            """;

    /** Copies of the test class path, the layer and the dump script that nobody can read. */
    @TempDir
    static Path shared;
    private static String classpath;

    @TempDir
    Path tmp;
    private final List<Process> children = new ArrayList<>();
    private Path mnt;

    private record Layer(Path tar, Path blob) {
    }

    /** A line of /proc/self/mountinfo: per-mount options, then after the separator the filesystem's. */
    private record MountInfo(String options, String fsType, String source, String superOptions) {
        static MountInfo of(Path mountPoint) throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4 && f[4].equals(mountPoint.toString())) {
                    int sep = List.of(f).indexOf("-");
                    return new MountInfo(f[5], f[sep + 1], f[sep + 2], f[sep + 3]);
                }
            }
            throw new AssertionError(mountPoint + " is not in /proc/self/mountinfo");
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : children) p.destroyForcibly().waitFor();
        if (mnt != null) FuseTesting.unmountAll(mnt);
    }

    @Test
    @Timeout(120)
    void rootCanTakeTheFusermountPathToo(Random random) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "reading a mount made through fusermount3 as root");
        assumeTrue(Files.exists(Path.of("/dev/fuse")), "/dev/fuse is missing");
        assumeFusermount();
        Layer layer = layer(random);
        Path extracted = tmp.resolve("extracted");
        FuseTesting.untar(layer.tar(), extracted);
        mnt = Files.createDirectories(tmp.resolve("mnt"));
        try (RangeSource source = RangeSource.ofFile(layer.blob());
             FuseMount _ = FuseMount.mount(mnt, filesystem(layer.blob(), source, tmp.resolve("cache")), "root-fm", 4, true)) {
            assertThat(ProcessHandle.current().children().toList()).as("fusermount3 was reaped").isEmpty();
            MountInfo info = MountInfo.of(mnt);
            assertThat(info.fsType()).isEqualTo("fuse.soci");
            assertThat(info.source()).isEqualTo("soci:root-fm");
            assertThat(info.options().split(",")).contains("ro", "nosuid", "nodev");
            assertThat(info.superOptions().split(",")).contains("user_id=0", "group_id=0", "default_permissions")
                    .doesNotContain("allow_other");
            assertThat(FuseTesting.difference(FuseTesting.dump(extracted, false), FuseTesting.dump(mnt, false))).isEmpty();
        }
        assertThat(KernelMounts.isMounted(mnt)).isFalse();
    }

    @Test
    @Timeout(120)
    void userMountsReadsAndUnmountsThroughFusermount(Random random) throws Exception {
        assumeUnprivilegedFuse();
        Layer layer = layer(random);
        Path extracted = tmp.resolve("extracted");
        FuseTesting.untar(layer.tar(), extracted);
        Child server = serveAsNobody(layer);

        MountInfo info = MountInfo.of(mnt);
        assertThat(info.fsType()).isEqualTo("fuse.soci");
        assertThat(info.source()).isEqualTo("soci:user");
        assertThat(info.options().split(",")).contains("ro", "nosuid", "nodev");
        assertThat(info.superOptions().split(",")).contains("user_id=" + NOBODY, "group_id=" + NOBODY)
                .doesNotContain("allow_other");
        // without allow_other the kernel lets only the mounting user in: root is refused
        assertThatThrownBy(() -> Files.readAttributes(mnt, BasicFileAttributes.class)).isInstanceOf(IOException.class);

        String expected = dumpAsNobody(extracted);
        String actual = dumpAsNobody(mnt);
        assertThat(FuseTesting.difference(expected, actual)).isEmpty();
        assertThat(Pattern.compile("sha256=[0-9a-f]{64}").matcher(actual).results().count())
                .as("files nobody could read").isPositive();

        server.process().getOutputStream().close(); // the server unmounts when its stdin ends
        assertThat(server.awaitExit()).as(server.output()).isZero();
        assertThat(server.output()).contains("\nunmounted\n");
        assertThat(KernelMounts.isMounted(mnt)).isFalse();
    }

    @Test
    @Timeout(120)
    void userDetachesABusyMountLazilyAndTheServerStillEnds(Random random) throws Exception {
        assumeUnprivilegedFuse();
        Child server = serveAsNobody(layer(random));
        // a process of the same user keeps a file on the mount open, so fusermount3 -u says busy
        Process holder = new ProcessBuilder(asNobody(List.of(PYTHON.toString(), "-c", """
                import os, sys, time
                for d, _, names in os.walk(sys.argv[1]):
                    for n in names:
                        try:
                            f = open(os.path.join(d, n), "rb")
                            f.read(1)
                        except OSError:
                            continue
                        print("open", flush=True)
                        time.sleep(600)
                """, mnt.toString()))).redirectErrorStream(true).start();
        children.add(holder);
        assertThat(holder.inputReader().readLine()).isEqualTo("open");

        server.process().getOutputStream().close();
        assertThat(server.awaitExit()).as(server.output()).isZero();
        assertThat(server.output()).contains("detached lazily").contains("\nunmounted\n");
        assertThat(KernelMounts.isMounted(mnt)).isFalse();
    }

    @Test
    @Timeout(120)
    void userUnmountsTheStaleMountOfAKilledServer(Random random) throws Exception {
        assumeUnprivilegedFuse();
        Child server = serveAsNobody(layer(random));
        killed(server);
        assertThat(KernelMounts.isMounted(mnt)).as("a killed server leaves its mount behind").isTrue();
        // listing needs an answer from the server (a stat could be served from the attribute cache)
        assertThat(runAsNobody(List.of("/usr/bin/ls", mnt.toString()))).as("nothing answers there").isNotZero();

        // KernelMounts.unmount as the user: umount2 says EPERM, fusermount3 -u does it
        Child unmounter = startAsNobody("unmount", mnt.toString());
        assertThat(unmounter.awaitExit()).as(unmounter.output()).isZero();
        assertThat(unmounter.output()).contains("unmounted=true");
        assertThat(KernelMounts.isMounted(mnt)).isFalse();
    }

    @Test
    @Timeout(120)
    void rootUnmountsTheStaleMountOfAKilledServer(Random random) throws Exception {
        assumeUnprivilegedFuse();
        Child server = serveAsNobody(layer(random));
        killed(server);
        assertThat(KernelMounts.isMounted(mnt)).as("a killed server leaves its mount behind").isTrue();
        assertThat(KernelMounts.unmount(mnt)).isTrue();
        assertThat(KernelMounts.isMounted(mnt)).isFalse();
    }

    private static void assumeFusermount() {
        try {
            Fusermount.locate();
        } catch (IOException e) {
            assumeTrue(false, e.getMessage());
        }
    }

    /** What mounting as nobody through fusermount3 needs, each missing piece a skip reason of its own. */
    private void assumeUnprivilegedFuse() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "the test drops to user 65534 with setpriv, which needs root");
        assumeTrue(Files.isExecutable(SETPRIV), "needs " + SETPRIV + " (util-linux) to drop to user 65534");
        assumeTrue(Files.isExecutable(PYTHON), "the trees are compared with " + PYTHON);
        assumeTrue(Files.exists(Path.of("/dev/fuse")), "/dev/fuse is missing");
        assumeFusermount();
        Path fusermount = Fusermount.locate();
        int mode = (Integer) Files.getAttribute(fusermount, "unix:mode");
        assumeTrue((Integer) Files.getAttribute(fusermount, "unix:uid") == 0 && (mode & 04000) != 0,
                fusermount + " is not setuid root, so it cannot mount for a user");
        String devFuse = PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of("/dev/fuse")));
        assumeTrue(runAsNobody(List.of("/usr/bin/test", "-r", "/dev/fuse", "-a", "-w", "/dev/fuse")) == 0,
                ("fusermount3 opens /dev/fuse with the calling user's own permissions (it switches to that user's"
                        + " fsuid first), and /dev/fuse is %s here, so user %d cannot mount FUSE through it;"
                        + " distributions ship /dev/fuse as rw-rw-rw-").formatted(devFuse, NOBODY));
    }

    /** A random ustar layer (every name fits NAME_MAX, so tar -x extracts it all) and its gzip blob. */
    private Layer layer(Random random) throws IOException {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        RandomLayer rl = RandomLayer.builder(random).entryCount(200).format(RandomLayer.Format.USTAR).build();
        Path tar = Files.write(tmp.resolve("layer.tar"), rl.tar());
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(rl.tar());
        }
        Path blob = Files.write(tmp.resolve("layer.tar.gz"), gz.toByteArray());
        for (Path p : List.of(tar, blob)) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        return new Layer(tar, blob);
    }

    private static LayerFilesystem filesystem(Path blob, RangeSource source, Path cache) throws IOException {
        Ztoc ztoc = new ZtocBuilder(64 << 10).build(blob);
        SpanManager spans = new SpanManager("test", SpanTable.of(ztoc), source, new SpanCache(cache, 1L << 30),
                new LayerStats());
        return new LayerFilesystem(LayerTree.of(ztoc.files()), spans, ztoc.uncompressedArchiveSize());
    }

    /** Starts {@link MountAsUserMain} serving {@code layer} as nobody at {@link #mnt}; returns once mounted. */
    private Child serveAsNobody(Layer layer) throws Exception {
        Path home = ownedByNobody(tmp.resolve("user"));
        mnt = ownedByNobody(home.resolve("mnt"));
        Child server = startAsNobody("serve", layer.blob().toString(), mnt.toString(), home.resolve("cache").toString());
        assertThat(server.mounted().get(90, TimeUnit.SECONDS)).as(server::output).isTrue();
        return server;
    }

    private static void killed(Child server) throws InterruptedException {
        server.process().destroyForcibly();
        server.process().waitFor();
    }

    private static Path ownedByNobody(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setAttribute(dir, "unix:uid", NOBODY);
        Files.setAttribute(dir, "unix:gid", NOBODY);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    private static List<String> asNobody(List<String> command) {
        List<String> full = new ArrayList<>(List.of(SETPRIV.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", "--"));
        full.addAll(command);
        return full;
    }

    private static int runAsNobody(List<String> command) throws Exception {
        Process p = new ProcessBuilder(asNobody(command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(command + " did not end");
        }
        return p.exitValue();
    }

    private static String dumpAsNobody(Path dir) throws Exception {
        Path script = shared.resolve("user-tree-dump.py");
        if (!Files.exists(script)) {
            Files.writeString(script, USER_TREE_DUMP);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        }
        List<String> command = new ArrayList<>(List.of("timeout", "-k", "5", "60"));
        command.addAll(asNobody(List.of(PYTHON.toString(), script.toString(), dir.toString())));
        return FuseTesting.run(command);
    }

    /** A JVM running {@link MountAsUserMain} as nobody, its stdout and stderr collected as they come. */
    private record Child(Process process, StringBuffer collected, CompletableFuture<Boolean> mounted, Thread reader) {
        String output() {
            return collected.toString();
        }

        int awaitExit() throws Exception {
            if (!process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("child did not exit: " + output());
            reader.join();
            return process.exitValue();
        }
    }

    private Child startAsNobody(String... args) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-XX:-UsePerfData", "-cp", classpath(), MountAsUserMain.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(asNobody(command)).redirectErrorStream(true).start();
        children.add(p);
        StringBuffer collected = new StringBuffer("\n");
        CompletableFuture<Boolean> mounted = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var lines = p.inputReader()) {
                String line;
                while ((line = lines.readLine()) != null) {
                    collected.append(line).append('\n');
                    if (line.equals("mounted")) mounted.complete(true);
                }
            } catch (IOException e) {
                collected.append(e).append('\n');
            } finally {
                mounted.complete(false); // ended without mounting
            }
        });
        return new Child(p, collected, mounted, reader);
    }

    /**
     * The test class path, copied where nobody can read it ({@code ~/.m2} and the build tree may not
     * be). Surefire's JVM may run from a manifest-only jar; its real class path is then in
     * {@code surefire.test.class.path}.
     */
    private static synchronized String classpath() throws IOException {
        if (classpath != null) return classpath;
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> copies = new ArrayList<>();
        for (String entry : path.split(File.pathSeparator)) {
            Path source = Path.of(entry);
            if (entry.isEmpty() || !Files.exists(source)) continue;
            Path copy = shared.resolve("cp" + copies.size() + (Files.isDirectory(source) ? "" : ".jar"));
            copyReadable(source, copy);
            copies.add(copy.toString());
        }
        return classpath = String.join(File.pathSeparator, copies);
    }

    private static void copyReadable(Path source, Path target) throws IOException {
        try (Stream<Path> all = Files.walk(source)) {
            all.forEach(p -> {
                Path t = target.resolve(source.relativize(p).toString());
                try {
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(t);
                        Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rwxr-xr-x"));
                    } else {
                        Files.copy(p, t);
                        Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rw-r--r--"));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
