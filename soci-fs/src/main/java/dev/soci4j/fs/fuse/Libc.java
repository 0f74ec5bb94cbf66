package dev.soci4j.fs.fuse;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few libc calls the FUSE server needs: open/read/write/close on {@code /dev/fuse}, mount(2) and
 * umount2(2); for mounting without root through fusermount3 ({@link Fusermount}), geteuid,
 * socketpair, pipe2 and recvmsg ({@link LibcSpawn} has the process calls). libc loads by absolute
 * path ({@code style.md}, "Native code"), overridable with {@code -Dsoci4j.libc.path}. Every call
 * captures {@code errno}, and a failure becomes a {@link NativeException} carrying it.
 */
final class Libc {
    private static final Logger log = LoggerFactory.getLogger(Libc.class);
    static final String PATH_PROPERTY = "soci4j.libc.path";
    static final String DEFAULT_PATH = "/lib/x86_64-linux-gnu/libc.so.6";

    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 0x80000;
    static final long MS_RDONLY = 1;
    static final long MS_NOSUID = 2;
    static final long MS_NODEV = 4;
    static final int MNT_DETACH = 2;
    static final int AF_UNIX = 1;
    static final int SOCK_STREAM = 1;
    static final int SOCK_CLOEXEC = 0x80000;
    /** recvmsg flag: the fds received as SCM_RIGHTS arrive close-on-exec, like our own open(). */
    static final int MSG_CMSG_CLOEXEC = 0x40000000;

    static final int EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, EAGAIN = 11, EACCES = 13, EBUSY = 16,
            ENOTDIR = 20, EINVAL = 22, ERANGE = 34, ENOSYS = 38, ENODATA = 61, ENODEV = 19;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final SymbolLookup LIBC = load();

    /** int open(const char *pathname, int flags, ...); */
    private static final MethodHandle OPEN = bind("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    /** ssize_t read(int fd, void *buf, size_t count); */
    private static final MethodHandle READ = bind("read",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    /** ssize_t write(int fd, const void *buf, size_t count); */
    private static final MethodHandle WRITE = bind("write",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    /** int close(int fd); */
    private static final MethodHandle CLOSE = bind("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    /** int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data); */
    private static final MethodHandle MOUNT = bind("mount",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
    /** int umount2(const char *target, int flags); */
    private static final MethodHandle UMOUNT2 = bind("umount2",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    /** uid_t geteuid(void); */
    private static final MethodHandle GETEUID = bind("geteuid", FunctionDescriptor.of(ValueLayout.JAVA_INT));
    /** int socketpair(int domain, int type, int protocol, int sv[2]); */
    private static final MethodHandle SOCKETPAIR = bind("socketpair",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS));
    /** int pipe2(int pipefd[2], int flags); */
    private static final MethodHandle PIPE2 = bind("pipe2",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    /** ssize_t recvmsg(int sockfd, struct msghdr *msg, int flags); */
    private static final MethodHandle RECVMSG = bind("recvmsg",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private Libc() {
    }

    private static SymbolLookup load() {
        Path path = Path.of(System.getProperty(PATH_PROPERTY, DEFAULT_PATH));
        if (!Files.isReadable(path))
            throw new IllegalStateException("libc not found at %s (set -D%s to its absolute path)"
                    .formatted(path, PATH_PROPERTY));
        log.atDebug().addKeyValue("path", path).log("loaded libc");
        return SymbolLookup.libraryLookup(path, Arena.global());
    }

    static MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(extra, 0, options, 1, extra.length);
        MemorySegment symbol = LIBC.find(name)
                .orElseThrow(() -> new IllegalStateException("libc has no symbol " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    /** A binding of {@code name}, or null when this libc lacks it (a newer addition). */
    static MethodHandle bindIfPresent(String name, FunctionDescriptor fd) {
        return LIBC.find(name).isPresent() ? bind(name, fd) : null;
    }

    /** A failed libc call: the function, its subject and errno. */
    static final class NativeException extends IOException {
        private final int errno;

        NativeException(String call, String subject, int errno) {
            super("%s(%s) failed: errno %d".formatted(call, subject, errno));
            this.errno = errno;
        }

        int errno() {
            return errno;
        }
    }

    static int open(String path, int flags) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags, 0);
            if (fd < 0) throw new NativeException("open", path, errno(state));
            return fd;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("open downcall failed", t);
        }
    }

    /** Reads into {@code buf}; returns bytes read or {@code -errno}. {@code state} is the caller's call-state segment. */
    static long read(int fd, MemorySegment buf, MemorySegment state) {
        try {
            long n = (long) READ.invokeExact(state, fd, buf, buf.byteSize());
            return n < 0 ? -errno(state) : n;
        } catch (Throwable t) {
            throw new IllegalStateException("read downcall failed", t);
        }
    }

    /** Writes {@code length} bytes of {@code buf}; returns bytes written or {@code -errno}. */
    static long write(int fd, MemorySegment buf, long length, MemorySegment state) {
        try {
            long n = (long) WRITE.invokeExact(state, fd, buf, length);
            return n < 0 ? -errno(state) : n;
        } catch (Throwable t) {
            throw new IllegalStateException("write downcall failed", t);
        }
    }

    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(arena.allocate(CALL_STATE), fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close downcall failed", t);
        }
    }

    static void mount(String source, String target, String fsType, long flags, String data) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment dataSegment = data == null ? MemorySegment.NULL : arena.allocateFrom(data);
            int rc = (int) MOUNT.invokeExact(state, arena.allocateFrom(source), arena.allocateFrom(target),
                    arena.allocateFrom(fsType), flags, dataSegment);
            if (rc != 0) throw new NativeException("mount", fsType + " on " + target, errno(state));
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mount downcall failed", t);
        }
    }

    static void umount2(String target, int flags) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) UMOUNT2.invokeExact(state, arena.allocateFrom(target), flags);
            if (rc != 0) throw new NativeException("umount2", target, errno(state));
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("umount2 downcall failed", t);
        }
    }

    /** Our effective uid: 0 means mount(2) may work, anything else needs fusermount3. */
    static int geteuid() {
        try (Arena arena = Arena.ofConfined()) {
            return (int) GETEUID.invokeExact(arena.allocate(CALL_STATE));
        } catch (Throwable t) {
            throw new IllegalStateException("geteuid downcall failed", t);
        }
    }

    /** A connected AF_UNIX stream socket pair, both ends close-on-exec. */
    static int[] socketpair() throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            int rc = (int) SOCKETPAIR.invokeExact(state, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds);
            if (rc != 0) throw new NativeException("socketpair", "AF_UNIX", errno(state));
            return fds.toArray(ValueLayout.JAVA_INT);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("socketpair downcall failed", t);
        }
    }

    /** A pipe, {read end, write end}, both close-on-exec. */
    static int[] pipe() throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            int rc = (int) PIPE2.invokeExact(state, fds, O_CLOEXEC);
            if (rc != 0) throw new NativeException("pipe2", "O_CLOEXEC", errno(state));
            return fds.toArray(ValueLayout.JAVA_INT);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("pipe2 downcall failed", t);
        }
    }

    /** recvmsg on a caller-built {@code struct msghdr}; returns bytes received (0 at EOF) or {@code -errno}. */
    static long recvmsg(int fd, MemorySegment msghdr, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long n = (long) RECVMSG.invokeExact(state, fd, msghdr, flags);
            return n < 0 ? -errno(state) : n;
        } catch (Throwable t) {
            throw new IllegalStateException("recvmsg downcall failed", t);
        }
    }

    static MemorySegment allocateCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
