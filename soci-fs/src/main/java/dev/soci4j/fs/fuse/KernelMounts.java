package dev.soci4j.fs.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The mount(2) calls besides FUSE: the read-only overlay that stacks layers, and unmounting. */
public final class KernelMounts {
    private static final Logger log = LoggerFactory.getLogger(KernelMounts.class);

    private KernelMounts() {
    }

    /**
     * Mounts a read-only overlay of {@code lowers} (top first) at {@code target}. Overlayfs needs two
     * lower directories when there is no upper one, so a single layer is stacked on {@code emptyDir}.
     */
    public static void overlay(Path target, List<Path> lowers, Path emptyDir) throws IOException {
        StringBuilder lowerdir = new StringBuilder();
        for (Path p : lowers) {
            if (!lowerdir.isEmpty()) lowerdir.append(':');
            lowerdir.append(p.toAbsolutePath().normalize());
        }
        if (lowers.size() == 1) lowerdir.append(':').append(emptyDir.toAbsolutePath().normalize());
        Libc.mount("soci", target.toAbsolutePath().normalize().toString(), "overlay", Libc.MS_RDONLY,
                "lowerdir=" + lowerdir);
    }

    /**
     * Unmounts {@code target}; when it is busy, detaches it lazily (MNT_DETACH) so nothing hangs.
     * Without root, umount2 refuses (EPERM), and a FUSE mount this user made through fusermount3 is
     * unmounted with {@code fusermount3 -u}, or {@code -u -z} when that fails. Returns false when it
     * was not mounted or could not be unmounted at all (logged).
     */
    public static boolean unmount(Path target) {
        String path = target.toAbsolutePath().normalize().toString();
        try {
            Libc.umount2(path, 0);
            return true;
        } catch (Libc.NativeException e) {
            if (e.errno() == Libc.EINVAL || e.errno() == Libc.ENOENT) return false; // not mounted
            if (e.errno() == Libc.EPERM) return unmountAsUser(target.toAbsolutePath().normalize());
            try {
                Libc.umount2(path, Libc.MNT_DETACH);
                log.atWarn().addKeyValue("mount", path).addKeyValue("errno", e.errno()).log("mount busy; detached lazily");
                return true;
            } catch (Libc.NativeException e2) {
                log.atWarn().addKeyValue("mount", path).addKeyValue("errno", e2.errno()).log("cannot unmount");
                return false;
            }
        }
    }

    /**
     * Without CAP_SYS_ADMIN, umount2 fails with EPERM before it even looks whether {@code target} is
     * a mount point; only fusermount3 may unmount for a user, and only FUSE mounts that user made.
     */
    private static boolean unmountAsUser(Path target) {
        try {
            if (!isMounted(target)) return false;
        } catch (IOException e) {
            log.atDebug().addKeyValue("mount", target).log("cannot read mountinfo; trying to unmount anyway");
        }
        try {
            Fusermount.unmount(target, false);
            return true;
        } catch (IOException e) {
            try {
                Fusermount.unmount(target, true);
                log.atWarn().addKeyValue("mount", target).log("cannot unmount (" + e.getMessage() + "); detached lazily");
                return true;
            } catch (IOException e2) {
                log.atWarn().addKeyValue("mount", target).log("cannot unmount: " + e2.getMessage());
                return false;
            }
        }
    }

    /** Whether {@code target} is a mount point of this mount namespace. */
    public static boolean isMounted(Path target) throws IOException {
        String path = target.toAbsolutePath().normalize().toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4 && unescape(f[4]).equals(path)) return true;
        }
        return false;
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
