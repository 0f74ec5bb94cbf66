package dev.soci4j.fs.fuse;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * A program started with posix_spawn(3), for what {@link ProcessBuilder} cannot do: hand the child
 * an fd above 2. ProcessBuilder's child closes every fd but 0-2 before exec, while fusermount3 must
 * find its end of our socket pair at the number named in {@code _FUSE_COMMFD}. The file actions dup2
 * the chosen fds to fixed numbers (the copies are not close-on-exec) and then close every fd above
 * them: the JVM does not open all of its own fds close-on-exec (jar files, for one), and a setuid
 * program has no business holding them. So the child gets exactly the chosen fds besides the JVM's
 * stdin and stdout.
 *
 * <p>Not a general process API: no timeouts, and its owner calls {@link #waitFor()} exactly once,
 * or the child stays a zombie.
 */
final class SpawnedProcess {
    /** How the child ended, decoded from the wait status as WIFEXITED/WEXITSTATUS/WTERMSIG do. */
    record Exit(int code, int signal) {
        static Exit of(int waitStatus) {
            int signal = waitStatus & 0x7f;
            return signal == 0 ? new Exit((waitStatus >> 8) & 0xff, 0) : new Exit(-1, signal);
        }

        boolean success() {
            return signal == 0 && code == 0;
        }

        @Override
        public String toString() {
            return signal != 0 ? "killed by signal " + signal : "exit " + code;
        }
    }

    private final int pid;
    private final Path program;
    private boolean waited;

    private SpawnedProcess(int pid, Path program) {
        this.pid = pid;
        this.program = program;
    }

    /**
     * Starts {@code program} (an absolute path; no PATH search) with {@code args} and exactly the
     * environment {@code env}. {@code fds} maps each fd number the child gets to our fd it copies;
     * the copies are made in ascending order of child number, so a source must not be a lower child
     * number than its own (it would be overwritten first).
     */
    static SpawnedProcess start(Path program, List<String> args, Map<String, String> env, SortedMap<Integer, Integer> fds)
            throws IOException {
        for (var e : fds.entrySet()) {
            if (fds.headMap(e.getKey()).containsKey(e.getValue()))
                throw new IllegalArgumentException("fd %d for child fd %d is overwritten by an earlier copy"
                        .formatted(e.getValue(), e.getKey()));
        }
        List<String> argv = new ArrayList<>();
        argv.add(program.toString());
        argv.addAll(args);
        List<String> envp = new ArrayList<>();
        env.forEach((k, v) -> envp.add(k + "=" + v));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment actions = arena.allocate(LibcSpawn.FILE_ACTIONS_LAYOUT);
            LibcSpawn.fileActionsInit(actions);
            try {
                for (var e : fds.entrySet()) LibcSpawn.fileActionsAddDup2(actions, e.getValue(), e.getKey());
                closeAbove(actions, fds.isEmpty() ? 2 : Math.max(2, fds.lastKey()));
                // glibc's posix_spawn returns once the child has exec'd (or failed to): the arena may close then
                int pid = LibcSpawn.posixSpawn(arena.allocateFrom(program.toString()), actions, strings(arena, argv),
                        strings(arena, envp), program.toString());
                return new SpawnedProcess(pid, program);
            } finally {
                LibcSpawn.fileActionsDestroy(actions);
            }
        }
    }

    /**
     * Adds "close every fd above {@code highest}": in one action with glibc 2.34's closefrom, else one
     * close per fd open now (one a thread opens meanwhile would slip through, hence the preference).
     */
    private static void closeAbove(MemorySegment actions, int highest) throws IOException {
        if (LibcSpawn.hasFileActionsAddCloseFrom()) {
            LibcSpawn.fileActionsAddCloseFrom(actions, highest + 1);
            return;
        }
        try (var entries = Files.list(Path.of("/proc/self/fd"))) {
            for (Path entry : entries.toList()) {
                int fd = Integer.parseInt(entry.getFileName().toString());
                if (fd > highest) LibcSpawn.fileActionsAddClose(actions, fd);
            }
        }
    }

    /** A NULL-terminated {@code char *[]}, as argv and envp are. */
    private static MemorySegment strings(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ValueLayout.ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) array.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(values.get(i)));
        array.setAtIndex(ValueLayout.ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }

    int pid() {
        return pid;
    }

    /** Blocks until the child ends and reaps it. */
    Exit waitFor() throws IOException {
        if (waited) throw new IllegalStateException("already waited for %s (pid %d)".formatted(program, pid));
        waited = true;
        return Exit.of(LibcSpawn.waitpid(pid));
    }
}
