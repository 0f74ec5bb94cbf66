package dev.soci4j.fs.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fusermount3 protocol against stand-in programs named by {@code -Dsoci4j.fusermount.path}: what
 * the child is given (argv, {@code _FUSE_COMMFD}, the socket at fd 3 and no other fd of ours), the fd
 * it passes back, and the messages when it is missing, fails or passes nothing. Needs no root and
 * no FUSE; {@code FusermountMountIT} mounts with the real one.
 */
class FusermountTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    @TempDir
    Path tmp;

    @AfterEach
    void clearOverride() {
        System.clearProperty(Fusermount.PATH_PROPERTY);
    }

    /** Installs a script as "fusermount3": a shell script unless {@code body} starts with its own #! line. */
    private Path fake(String body) throws IOException {
        Path script = tmp.resolve("fusermount3");
        Files.writeString(script, (body.startsWith("#!") ? "" : "#!/bin/sh\n") + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        System.setProperty(Fusermount.PATH_PROPERTY, script.toString());
        return script;
    }

    @Test
    void missingFusermountSaysWhatToInstall() {
        Path missing = tmp.resolve("no-such-fusermount3");
        System.setProperty(Fusermount.PATH_PROPERTY, missing.toString());
        assertThatThrownBy(() -> Fusermount.mount(tmp, "x"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("apt-get install fuse3")
                .hasMessageContaining(Fusermount.PATH_PROPERTY);
        assertThatThrownBy(() -> Fusermount.unmount(tmp, false)).hasMessageContaining("apt-get install fuse3");
    }

    @Test
    void failureCarriesItsStderrAndExitStatus() throws Exception {
        fake("echo \"fake: refusing $*\" >&2; exit 3");
        assertThatThrownBy(() -> Fusermount.mount(tmp, "layer-0"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("(exit 3)")
                .hasMessageContaining("fake: refusing -o ro,nosuid,nodev,default_permissions,fsname=soci:layer-0,subtype=soci -- " + tmp);
    }

    @Test
    void childGetsTheSocketAtFd3NamedByFuseCommfdAndNoOtherFdOfOurs() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "the stand-in is a python3 script");
        // fstat probes each number without opening anything (a shell or a directory listing would add fds)
        fake("#!" + PYTHON + "\nimport os, stat, sys\n"
                + "def is_open(fd):\n    try:\n        os.fstat(fd)\n        return True\n    except OSError:\n        return False\n"
                + "sock = stat.S_ISSOCK(os.fstat(3).st_mode)\n"
                + "print('commfd=%s socket=%s fds=%s' % (os.environ.get('_FUSE_COMMFD'), sock,"
                + " [fd for fd in range(4096) if is_open(fd)]), file=sys.stderr)\n"
                + "sys.exit(1)");
        assertThatThrownBy(() -> Fusermount.mount(tmp, "x"))
                .hasMessageEndingWith("commfd=3 socket=True fds=[0, 1, 2, 3]");
    }

    @Test
    void exitingWithoutPassingAnFdIsAClearError() throws Exception {
        fake("exit 0");
        assertThatThrownBy(() -> Fusermount.mount(tmp, "x"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("exited 0 but sent no /dev/fuse fd over _FUSE_COMMFD=3");
    }

    @Test
    void killedFusermountIsReportedWithItsSignal() throws Exception {
        fake("kill -9 $$");
        assertThatThrownBy(() -> Fusermount.mount(tmp, "x")).hasMessageContaining("(killed by signal 9)");
    }

    @Test
    void receivesTheFdPassedAsScmRightsCloseOnExec() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "the fd-passing stand-in is a python3 script");
        Path passed = Files.writeString(tmp.resolve("passed-file"), "hello");
        fake("exec " + PYTHON + " -c 'import os, socket, sys; s = socket.socket(fileno=int(os.environ[\"_FUSE_COMMFD\"]));"
                + " socket.send_fds(s, [b\"\\0\"], [os.open(sys.argv[1], os.O_RDONLY)])' " + passed);
        int fd = Fusermount.mount(tmp, "x");
        try {
            assertThat(Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd))).isEqualTo(passed);
            long flags = Long.parseLong(Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd)).stream()
                    .filter(l -> l.startsWith("flags:")).findFirst().orElseThrow().substring(6).trim(), 8);
            assertThat(flags & 02000000).as("O_CLOEXEC").isNotZero();
        } finally {
            Libc.close(fd);
        }
    }

    @Test
    void passingTwoFdsIsRefusedAndBothAreClosed() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "the fd-passing stand-in is a python3 script");
        fake("exec " + PYTHON + " -c 'import os, socket; s = socket.socket(fileno=3);"
                + " socket.send_fds(s, [b\"\\0\"], [os.open(\"/dev/null\", os.O_RDONLY), os.open(\"/dev/null\", os.O_RDONLY)])'");
        long before = openFds();
        assertThatThrownBy(() -> Fusermount.mount(tmp, "x")).hasMessageContaining("more than one fd");
        assertThat(openFds()).isEqualTo(before);
    }

    @Test
    void failedMountsLeaveNoFdOpenAndNoChildUnreaped() throws Exception {
        fake("echo nope >&2; exit 1");
        assertThatThrownBy(() -> Fusermount.mount(tmp, "x")).isInstanceOf(IOException.class); // classes loaded
        long before = openFds();
        for (int i = 0; i < 20; i++) assertThatThrownBy(() -> Fusermount.mount(tmp, "x")).hasMessageContaining("nope");
        assertThat(openFds()).isEqualTo(before);
        assertThat(ProcessHandle.current().children().toList()).isEmpty();
    }

    @Test
    void commaInTheNameIsRefusedBeforeAnythingRuns() throws Exception {
        Path ran = tmp.resolve("ran");
        fake("touch " + ran + "; exit 1");
        assertThatThrownBy(() -> Fusermount.mount(tmp, "a,allow_other")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ran).doesNotExist();
    }

    @Test
    void unmountFailureCarriesItsOutput() throws Exception {
        fake("echo \"fake: not mounted: $*\" >&2; exit 1");
        assertThatThrownBy(() -> Fusermount.unmount(tmp, true))
                .hasMessageContaining("(exit 1)")
                .hasMessageContaining("fake: not mounted: -u -z -- " + tmp);
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void exitStatusDecodesLikeTheWaitMacros() {
        assertThat(SpawnedProcess.Exit.of(0)).isEqualTo(new SpawnedProcess.Exit(0, 0));
        assertThat(SpawnedProcess.Exit.of(3 << 8)).hasToString("exit 3");
        assertThat(SpawnedProcess.Exit.of(9)).hasToString("killed by signal 9");
        assertThat(SpawnedProcess.Exit.of(9 | 0x80)).extracting(SpawnedProcess.Exit::signal).isEqualTo(9); // core dumped
        assertThat(List.of(SpawnedProcess.Exit.of(0).success(), SpawnedProcess.Exit.of(1 << 8).success())).containsExactly(true, false);
    }
}
