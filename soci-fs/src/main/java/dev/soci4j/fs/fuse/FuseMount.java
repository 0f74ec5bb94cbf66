package dev.soci4j.fs.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link FuseFilesystem} mounted read-only at a directory, served by several platform reader
 * threads (each FFM call pins its carrier, so virtual threads would gain nothing). Root (effective
 * uid 0) mounts with mount(2) on a {@code /dev/fuse} connection it opens itself; anyone else through
 * fusermount3 ({@link Fusermount}), which leaves the mount accessible to that user only.
 * {@link #close()} unmounts (lazily when busy), aborts the connection if readers are still blocked,
 * and closes the fd; it never hangs.
 */
public final class FuseMount implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FuseMount.class);
    /** How long close() waits for the reader threads once the connection has ended. */
    private static final Duration READERS_EXIT_WAIT = Duration.ofSeconds(5);
    public static final int DEFAULT_READER_THREADS = 4;

    private final Path mountPoint;
    private final int fd;
    private final FuseSession session;
    private final FuseFilesystem fs;
    private final List<Thread> readers = new ArrayList<>();
    private volatile long connectionId = -1;
    private boolean closed;

    private FuseMount(Path mountPoint, int fd, FuseSession session, FuseFilesystem fs) {
        this.fs = fs;
        this.mountPoint = mountPoint;
        this.fd = fd;
        this.session = session;
    }

    /**
     * Mounts {@code fs} at {@code dir} (an existing directory) and starts {@code threads} readers:
     * with mount(2) as root, else through fusermount3.
     */
    public static FuseMount mount(Path dir, FuseFilesystem fs, String fsName, int threads) throws IOException {
        return mount(dir, fs, fsName, threads, !isRoot());
    }

    /** As {@link #mount(Path, FuseFilesystem, String, int)}; tests take the fusermount3 path as root too. */
    static FuseMount mount(Path dir, FuseFilesystem fs, String fsName, int threads, boolean viaFusermount)
            throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(target)) throw new IOException("mount point %s is not a directory".formatted(target));
        int fd = viaFusermount ? Fusermount.mount(target, fsName) : mountAsRoot(target, fsName);
        FuseMount mount = new FuseMount(target, fd, new FuseSession(fd, fs, fsName), fs);
        // readers first: the kernel's INIT is waiting, and any stat of the mount point blocks until answered
        for (int i = 0; i < threads; i++) {
            Thread t = Thread.ofPlatform().daemon().name("fuse-" + fsName + "-" + i).start(mount.session::serve);
            mount.readers.add(t);
        }
        mount.connectionId = connectionId(target);
        log.atDebug().addKeyValue("mount", target).addKeyValue("threads", threads)
                .addKeyValue("fusermount", viaFusermount).log("mounted fuse layer");
        return mount;
    }

    /** Opens {@code /dev/fuse} and mounts it with mount(2): root only (CAP_SYS_ADMIN). */
    private static int mountAsRoot(Path target, String fsName) throws IOException {
        int fd = Libc.open("/dev/fuse", Libc.O_RDWR | Libc.O_CLOEXEC);
        try {
            String options = "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other,default_permissions".formatted(fd);
            Libc.mount("soci:" + fsName, target.toString(), "fuse.soci", Libc.MS_RDONLY | Libc.MS_NOSUID, options);
            return fd;
        } catch (IOException e) {
            Libc.close(fd);
            throw new IOException("cannot mount FUSE at %s: %s".formatted(target, e.getMessage()), e);
        }
    }

    /**
     * Whether this process mounts with mount(2) (effective uid 0) rather than through fusermount3. Read
     * from /proc/self/status, so that asking (every {@code soci mount} does, early) does not link libc.
     */
    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return line.split("\\s+")[2].equals("0");   // real, effective, saved, fs
            }
        } catch (IOException | RuntimeException e) {
            log.atDebug().setCause(e).log("cannot read /proc/self/status; asking libc");
        }
        return Libc.geteuid() == 0;
    }

    /** Links the native calls FUSE needs ahead of the first mount (start-up work that can run in parallel). */
    public static void warmUp() {
        Libc.geteuid();
    }

    private static long connectionId(Path target) {
        try {
            return ((Number) Files.getAttribute(target, "unix:dev")).longValue();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    public Path mountPoint() {
        return mountPoint;
    }

    /** Requests answered so far. */
    public long requests() {
        return session.requests.get();
    }

    /** Requests by opcode, with errors and handling time, for metrics. */
    public FuseOperationStats operations() {
        return session.operations;
    }

    /** Blocks until the connection ends (someone unmounted it). */
    public void awaitUnmounted() throws InterruptedException {
        for (Thread t : readers) t.join();
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        KernelMounts.unmount(mountPoint);
        if (!joinReaders(READERS_EXIT_WAIT)) {
            // readers still block in read(): a lazily detached mount has users; end the connection
            abort();
            joinReaders(READERS_EXIT_WAIT);
        }
        Libc.close(fd);
        fs.close();
    }

    private boolean joinReaders(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            for (Thread t : readers) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !t.join(Duration.ofNanos(left))) return false;
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void abort() {
        if (connectionId < 0) return;
        Path connections = Path.of("/sys/fs/fuse/connections");
        Path abort = connections.resolve(Long.toString(connectionId)).resolve("abort");
        try {
            if (!Files.exists(abort) && !KernelMounts.isMounted(connections)) {
                // fusectl is where connections are aborted; many systems do not mount it by default
                Libc.mount("fusectl", connections.toString(), "fusectl", 0, null);
            }
            Files.writeString(abort, "1");
            log.atWarn().addKeyValue("mount", mountPoint).log("aborted fuse connection whose readers did not end");
        } catch (IOException e) {
            log.atWarn().addKeyValue("mount", mountPoint).setCause(e).log("cannot abort fuse connection");
        }
    }
}
