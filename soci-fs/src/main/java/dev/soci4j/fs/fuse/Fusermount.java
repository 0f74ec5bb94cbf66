package dev.soci4j.fs.fuse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounting and unmounting FUSE without root through fusermount3, libfuse's setuid-root helper
 * (Debian/Ubuntu package {@code fuse3}). Only root may mount(2) a FUSE filesystem; fusermount3 does
 * it for a user, after its own checks (the user may write the mount point; {@code /etc/fuse.conf}'s
 * {@code mount_max}), and hands the connection back:
 * <ol>
 * <li>we make an AF_UNIX stream socket pair and start fusermount3 with one end at fd {@value #COMM_FD}
 *     and {@code _FUSE_COMMFD=3} in its environment ({@link SpawnedProcess}: ProcessBuilder would
 *     close that fd);
 * <li>it opens {@code /dev/fuse} (with the user's own permissions: it switches to the user's fsuid
 *     for that, so the device must be {@code crw-rw-rw-}, as distributions ship it), mounts it, sends
 *     the fd back as SCM_RIGHTS ancillary data ({@link ScmRights}) and exits 0;
 * <li>we serve that fd exactly like the one root opens itself.
 * </ol>
 * The kernel records the user as the mount's owner ({@code user_id=}/{@code group_id=}): without
 * {@code allow_other} (which {@code /etc/fuse.conf} reserves for {@code user_allow_other}) only that
 * user can access it, not even root, and only that user (through {@code fusermount3 -u}) or root can
 * unmount it.
 */
final class Fusermount {
    private static final Logger log = LoggerFactory.getLogger(Fusermount.class);
    static final String PATH_PROPERTY = "soci4j.fusermount.path";
    static final List<Path> DEFAULT_PATHS = List.of(Path.of("/usr/bin/fusermount3"), Path.of("/bin/fusermount3"));
    /** The fd number fusermount3 finds its end of the socket pair at; any number above 2 would do. */
    static final int COMM_FD = 3;
    static final String COMM_FD_ENV = "_FUSE_COMMFD";
    /**
     * What root's mount(2) sets too, minus allow_other (a user may not ask for it by default); nodev
     * because fusermount3 insists on it for users. fusermount3 adds fd, rootmode, user_id and group_id.
     */
    static final String OPTIONS = "ro,nosuid,nodev,default_permissions,fsname=soci:%s,subtype=soci";
    /** fusermount3 says what went wrong in a line or two; more than this is noise. */
    private static final int STDERR_LIMIT_BYTES = 8192;
    /** Bound on {@code fusermount3 -u}, which can block only on a mount point that does not answer. */
    private static final Duration UNMOUNT_WAIT = Duration.ofSeconds(30);

    private Fusermount() {
    }

    /** fusermount3's absolute path: {@code -Dsoci4j.fusermount.path}, else the first of {@link #DEFAULT_PATHS}. */
    static Path locate() throws IOException {
        String override = System.getProperty(PATH_PROPERTY);
        List<Path> candidates = override != null ? List.of(Path.of(override)) : DEFAULT_PATHS;
        for (Path p : candidates) {
            if (p.isAbsolute() && Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        throw new IOException(("fusermount3 not found at %s: mounting FUSE without root needs it"
                + " (apt-get install fuse3), or set -D%s to its absolute path")
                .formatted(String.join(" or ", candidates.stream().map(Path::toString).toList()), PATH_PROPERTY));
    }

    /**
     * Mounts a FUSE filesystem named {@code soci:<fsName>} read-only at {@code target} and returns the
     * {@code /dev/fuse} fd (close-on-exec) to serve it on. On failure nothing stays mounted or open.
     */
    static int mount(Path target, String fsName) throws IOException {
        if (fsName.indexOf(',') >= 0 || fsName.indexOf('\\') >= 0)
            throw new IllegalArgumentException("fs name %s: fusermount3 would read ',' or '\\' in it as option syntax"
                    .formatted(fsName));
        Path program = locate();
        Handover handover = run(program, List.of("-o", OPTIONS.formatted(fsName), "--", target.toString()));
        String errors = handover.errors().strip();
        if (!handover.exit().success()) {
            if (handover.fd() >= 0) Libc.close(handover.fd());
            throw new IOException("%s could not mount FUSE at %s (%s)%s: %s".formatted(program, target, handover.exit(),
                    setuidHint(program), errors.isEmpty() ? "it printed nothing" : errors));
        }
        if (handover.fd() < 0) {
            takeAwayUnserved(target);
            throw new IOException("%s exited 0 but sent no /dev/fuse fd over %s=%d for %s%s".formatted(program,
                    COMM_FD_ENV, COMM_FD, target, errors.isEmpty() ? "" : ": " + errors));
        }
        log.atDebug().addKeyValue("mount", target).addKeyValue("fusermount", program).log("mounted through fusermount3");
        return handover.fd();
    }

    /** What one fusermount3 run gave back: the fd it passed (-1: none), what it wrote to stderr, how it ended. */
    private record Handover(int fd, String errors, SpawnedProcess.Exit exit) {
    }

    /**
     * Runs fusermount3 with our end of a socket pair at {@link #COMM_FD} and its stderr on a pipe,
     * takes what it sends and prints, and reaps it. Every fd made here is closed before returning.
     */
    private static Handover run(Path program, List<String> args) throws IOException {
        int[] socket = Libc.socketpair();
        int[] stderr;
        try {
            stderr = Libc.pipe();
        } catch (IOException e) {
            Libc.close(socket[0]);
            Libc.close(socket[1]);
            throw e;
        }
        SpawnedProcess child;
        try {
            child = SpawnedProcess.start(program, args, environment(), new TreeMap<>(Map.of(2, stderr[1], COMM_FD, socket[1])));
        } catch (IOException | RuntimeException e) {
            Libc.close(socket[0]);
            Libc.close(stderr[0]);
            throw new IOException("cannot start %s: %s".formatted(program, e.getMessage()), e);
        } finally {
            // the child has its own copies: once it ends, both our read ends see end-of-file
            Libc.close(socket[1]);
            Libc.close(stderr[1]);
        }
        String errors;
        int fd;
        SpawnedProcess.Exit exit;
        try {
            try {
                // fusermount3 sends the fd, then exits: its stderr ends there, and the fd waits in the socket
                errors = readAll(stderr[0]);
                fd = ScmRights.receive(socket[0]);
            } finally {
                Libc.close(stderr[0]);
                Libc.close(socket[0]);
            }
        } finally {
            exit = child.waitFor();
        }
        return new Handover(fd, errors, exit);
    }

    /**
     * Unmounts {@code target}, a FUSE mount this user made, with {@code fusermount3 -u} ({@code -z}:
     * lazily, detaching it while busy). Throws with fusermount3's message when it refuses.
     */
    static void unmount(Path target, boolean lazy) throws IOException {
        Path program = locate();
        List<String> command = new ArrayList<>(List.of(program.toString(), "-u"));
        if (lazy) command.add("-z");
        command.addAll(List.of("--", target.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        // read on the side so that a fusermount3 stuck on a dead mount point cannot block us past the wait
        CompletableFuture<byte[]> output = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                output.complete(p.getInputStream().readAllBytes());
            } catch (IOException e) {
                output.complete(new byte[0]);
            }
        });
        try {
            if (!p.waitFor(UNMOUNT_WAIT)) {
                p.destroyForcibly().waitFor();
                throw new IOException("%s timed out after %s".formatted(String.join(" ", command), UNMOUNT_WAIT));
            }
            if (p.exitValue() != 0) {
                // it has ended, so its output has (unless something it started still holds the pipe)
                String text = new String(output.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8).strip();
                throw new IOException("%s failed (exit %d): %s".formatted(String.join(" ", command), p.exitValue(),
                        text.isEmpty() ? "it printed nothing" : text));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for " + String.join(" ", command));
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("%s failed (exit %d) and its output could not be read".formatted(
                    String.join(" ", command), p.exitValue()), e);
        }
    }

    /** Our environment with {@code _FUSE_COMMFD} naming the socket end, as fusermount3 reads it. */
    private static Map<String, String> environment() {
        Map<String, String> env = new TreeMap<>(System.getenv());
        env.put(COMM_FD_ENV, Integer.toString(COMM_FD));
        return env;
    }

    /** Everything written to {@code fd} until end-of-file, keeping the first {@link #STDERR_LIMIT_BYTES}. */
    private static String readAll(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(4096);
            MemorySegment state = Libc.allocateCallState(arena);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                long n = Libc.read(fd, buf, state);
                if (n == -Libc.EINTR) continue;
                if (n <= 0) break;
                int keep = (int) Math.min(n, STDERR_LIMIT_BYTES - out.size());
                if (keep > 0) out.write(buf.asSlice(0, keep).toArray(ValueLayout.JAVA_BYTE), 0, keep);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /** A reason fusermount3 failed that it does not say itself: it was installed without its setuid bit. */
    private static String setuidHint(Path program) {
        try {
            int mode = (Integer) Files.getAttribute(program, "unix:mode");
            int owner = (Integer) Files.getAttribute(program, "unix:uid");
            boolean setuidRoot = owner == 0 && (mode & 04000) != 0;
            return setuidRoot || Libc.geteuid() == 0 ? "" : "; it is not setuid root, so it cannot mount for a user";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** fusermount3 said it mounted but never passed the fd: nobody would answer that mount's requests. */
    private static void takeAwayUnserved(Path target) {
        try {
            if (KernelMounts.isMounted(target)) unmount(target, true);
        } catch (IOException e) {
            log.atWarn().addKeyValue("mount", target).log("cannot unmount a FUSE mount nobody serves: " + e.getMessage());
        }
    }
}
