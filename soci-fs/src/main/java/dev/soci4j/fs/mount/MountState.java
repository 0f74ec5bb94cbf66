package dev.soci4j.fs.mount;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where a mount point's state lives: {@code <root>/<sha256 of the mount point, 16 hex>/}, holding
 * {@code target} (the mount point), {@code stats.txt}, {@code pid}, and {@code layers/<n>/root}
 * (each layer's FUSE mount) with {@code layers/<n>/cache}.
 */
public final class MountState {
    /**
     * Under /run: state of live mounts, gone after a reboot as the mounts are. Root's is
     * {@code /run/soci4j/mounts}; another user's is under {@code $XDG_RUNTIME_DIR} (the per-user
     * /run/user/UID), or {@code /tmp/soci4j-UID} without one.
     */
    public static final Path DEFAULT_ROOT = defaultRoot();

    private static Path defaultRoot() {
        if (dev.soci4j.fs.fuse.FuseMount.isRoot()) return Path.of("/run/soci4j/mounts");
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank() && Path.of(runtime).isAbsolute()) return Path.of(runtime, "soci4j", "mounts");
        return Path.of("/tmp", "soci4j-" + new com.sun.security.auth.module.UnixSystem().getUid(), "mounts");
    }

    private MountState() {
    }

    public static Path dirFor(Path root, Path mountPoint) {
        String abs = mountPoint.toAbsolutePath().normalize().toString();
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(abs.getBytes(StandardCharsets.UTF_8));
            return root.resolve(HexFormat.of().formatHex(h, 0, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public static Path statsFile(Path stateDir) {
        return stateDir.resolve("stats.txt");
    }

    /** The layer mount points recorded in a state dir, bottom layer first. */
    public static java.util.List<Path> layerRoots(Path stateDir) throws IOException {
        Path layers = stateDir.resolve("layers");
        if (!Files.isDirectory(layers)) return java.util.List.of();
        try (var s = Files.list(layers)) {
            return s.filter(Files::isDirectory)
                    .sorted(java.util.Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())))
                    .map(p -> p.resolve("root")).toList();
        }
    }
}
