package dev.soci4j.fs.fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The libc process calls {@link SpawnedProcess} needs: the posix_spawn(3) family and waitpid(2),
 * bound from {@link Libc}'s library like its own calls. Unlike most of libc, posix_spawn and its
 * file actions return an error number instead of setting errno; either becomes a
 * {@link Libc.NativeException}.
 */
final class LibcSpawn {
    private static final Logger log = LoggerFactory.getLogger(LibcSpawn.class);

    /**
     * int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *file_actions,
     * const posix_spawnattr_t *attrp, char *const argv[], char *const envp[]);
     */
    private static final MethodHandle POSIX_SPAWN = Libc.bind("posix_spawn",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    /** int posix_spawn_file_actions_init(posix_spawn_file_actions_t *file_actions); */
    private static final MethodHandle FILE_ACTIONS_INIT = Libc.bind("posix_spawn_file_actions_init",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    /** int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *file_actions, int fildes, int newfildes); */
    private static final MethodHandle FILE_ACTIONS_ADDDUP2 = Libc.bind("posix_spawn_file_actions_adddup2",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    /** int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *file_actions); */
    private static final MethodHandle FILE_ACTIONS_DESTROY = Libc.bind("posix_spawn_file_actions_destroy",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    /** int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *file_actions, int fildes); */
    private static final MethodHandle FILE_ACTIONS_ADDCLOSE = Libc.bind("posix_spawn_file_actions_addclose",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    /**
     * int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *file_actions, int from);
     * glibc 2.34 and later; null before.
     */
    private static final MethodHandle FILE_ACTIONS_ADDCLOSEFROM = Libc.bindIfPresent(
            "posix_spawn_file_actions_addclosefrom_np", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    /** pid_t waitpid(pid_t pid, int *wstatus, int options); */
    private static final MethodHandle WAITPID = Libc.bind("waitpid",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    /**
     * glibc's posix_spawn_file_actions_t on x86_64: int __allocated, int __used, a pointer to the
     * actions, int __pad[16]; 80 bytes, 8-aligned. We only allocate it; glibc fills it in.
     */
    static final MemoryLayout FILE_ACTIONS_LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("__allocated"), ValueLayout.JAVA_INT.withName("__used"),
            ValueLayout.ADDRESS.withName("__actions"), MemoryLayout.sequenceLayout(16, ValueLayout.JAVA_INT).withName("__pad"));

    private LibcSpawn() {
    }

    /**
     * Starts {@code path} with NUL-terminated pointer arrays {@code argv} and {@code envp} and the file
     * actions {@code actions}; returns the child's pid.
     */
    static int posixSpawn(MemorySegment path, MemorySegment actions, MemorySegment argv, MemorySegment envp,
            String subject) throws Libc.NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pid = arena.allocate(ValueLayout.JAVA_INT);
            int rc = (int) POSIX_SPAWN.invokeExact(Libc.allocateCallState(arena), pid, path, actions, MemorySegment.NULL,
                    argv, envp);
            if (rc != 0) throw new Libc.NativeException("posix_spawn", subject, rc);
            return pid.get(ValueLayout.JAVA_INT, 0);
        } catch (Libc.NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("posix_spawn downcall failed", t);
        }
    }

    static void fileActionsInit(MemorySegment actions) throws Libc.NativeException {
        fileActionsCall(FILE_ACTIONS_INIT, "posix_spawn_file_actions_init", actions);
    }

    static void fileActionsDestroy(MemorySegment actions) {
        try {
            fileActionsCall(FILE_ACTIONS_DESTROY, "posix_spawn_file_actions_destroy", actions);
        } catch (Libc.NativeException e) {
            log.atDebug().addKeyValue("errno", e.errno()).log("posix_spawn_file_actions_destroy failed");
        }
    }

    /** Adds "dup2(fd, target) in the child"; the copy at {@code target} is not close-on-exec. */
    static void fileActionsAddDup2(MemorySegment actions, int fd, int target) throws Libc.NativeException {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) FILE_ACTIONS_ADDDUP2.invokeExact(Libc.allocateCallState(arena), actions, fd, target);
            if (rc != 0) throw new Libc.NativeException("posix_spawn_file_actions_adddup2", fd + " -> " + target, rc);
        } catch (Libc.NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("posix_spawn_file_actions_adddup2 downcall failed", t);
        }
    }

    /** Adds "close(fd) in the child"; an fd that is not open by then is skipped, not an error. */
    static void fileActionsAddClose(MemorySegment actions, int fd) throws Libc.NativeException {
        fileActionsCall(FILE_ACTIONS_ADDCLOSE, "posix_spawn_file_actions_addclose", actions, fd);
    }

    /** Whether {@link #fileActionsAddCloseFrom} is available (glibc 2.34 and later). */
    static boolean hasFileActionsAddCloseFrom() {
        return FILE_ACTIONS_ADDCLOSEFROM != null;
    }

    /** Adds "close every fd from {@code from} up in the child". */
    static void fileActionsAddCloseFrom(MemorySegment actions, int from) throws Libc.NativeException {
        if (FILE_ACTIONS_ADDCLOSEFROM == null)
            throw new IllegalStateException("libc has no posix_spawn_file_actions_addclosefrom_np");
        fileActionsCall(FILE_ACTIONS_ADDCLOSEFROM, "posix_spawn_file_actions_addclosefrom_np", actions, from);
    }

    private static void fileActionsCall(MethodHandle handle, String name, MemorySegment actions, int fd)
            throws Libc.NativeException {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) handle.invokeExact(Libc.allocateCallState(arena), actions, fd);
            if (rc != 0) throw new Libc.NativeException(name, "fd " + fd, rc);
        } catch (Libc.NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(name + " downcall failed", t);
        }
    }

    private static void fileActionsCall(MethodHandle handle, String name, MemorySegment actions)
            throws Libc.NativeException {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) handle.invokeExact(Libc.allocateCallState(arena), actions);
            if (rc != 0) throw new Libc.NativeException(name, "file actions", rc);
        } catch (Libc.NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(name + " downcall failed", t);
        }
    }

    /** Waits for child {@code pid} to end (retrying EINTR) and returns its raw wait status. */
    static int waitpid(int pid) throws Libc.NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.allocateCallState(arena);
            MemorySegment status = arena.allocate(ValueLayout.JAVA_INT);
            while (true) {
                int rc = (int) WAITPID.invokeExact(state, pid, status, 0);
                if (rc == pid) return status.get(ValueLayout.JAVA_INT, 0);
                int errno = Libc.errno(state);
                if (rc < 0 && errno == Libc.EINTR) continue;
                throw new Libc.NativeException("waitpid", Integer.toString(pid), errno);
            }
        } catch (Libc.NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("waitpid downcall failed", t);
        }
    }
}
