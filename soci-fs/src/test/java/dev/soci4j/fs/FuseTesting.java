package dev.soci4j.fs;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci4j.fs.fuse.KernelMounts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the FUSE tests share: the root/FUSE precondition, tree dumps to compare, and a last-resort unmount. */
public final class FuseTesting {
    private FuseTesting() {
    }

    public static void assumeFuse() {
        assumeTrue("root".equals(System.getProperty("user.name")), "FUSE tests mount with mount(2) and need root");
        assumeTrue(Files.exists(Path.of("/dev/fuse")), "/dev/fuse is missing");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "tree comparison needs /usr/bin/python3");
    }

    /** A text listing of every path under {@code dir} with its metadata, content digest and xattrs. */
    public static String dump(Path dir, boolean dirMtimes) throws Exception {
        return dump(dir, dirMtimes, false);
    }

    /**
     * {@link #dump(Path, boolean)}; with {@code skipVanished}, names a directory lists but that do not
     * exist (overlayfs lists a whiteout of a directory that merges with nothing, and then answers
     * ENOENT for it) are left out, so the listing is what lookups show.
     */
    public static String dump(Path dir, boolean dirMtimes, boolean skipVanished) throws Exception {
        Path script = Files.createTempFile("tree-dump", ".py");
        try (InputStream in = FuseTesting.class.getResourceAsStream("/tree-dump.py")) {
            Files.write(script, in.readAllBytes());
        }
        try {
            // timeout(1): a FUSE bug must fail the test, never hang it
            List<String> command = new java.util.ArrayList<>(List.of("timeout", "-k", "5", "60", "/usr/bin/python3", script.toString(), dir.toString()));
            if (!dirMtimes) command.add("--no-dir-mtime");
            if (skipVanished) command.add("--skip-vanished");
            return run(command);
        } finally {
            Files.delete(script);
        }
    }

    public static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command + " timed out");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) throw new IOException(command + " failed: " + text);
        return text;
    }

    /** The lines only one of two dumps has, marked {@code -} (expected only) or {@code +} (actual only). */
    public static List<String> difference(String expected, String actual) {
        java.util.Set<String> e = new java.util.TreeSet<>(List.of(expected.split("\n")));
        java.util.Set<String> a = new java.util.TreeSet<>(List.of(actual.split("\n")));
        List<String> out = new java.util.ArrayList<>();
        for (String line : e) if (!a.contains(line)) out.add("- " + line);
        for (String line : a) if (!e.contains(line)) out.add("+ " + line);
        return out;
    }

    /** Extracts a tar as root keeping owners, modes and xattrs, as a runtime would. */
    public static void untar(Path tar, Path dir) throws Exception {
        Files.createDirectories(dir);
        run(List.of("tar", "-x", "-p", "--same-owner", "--numeric-owner", "--xattrs", "--xattrs-include=*",
                "-f", tar.toString(), "-C", dir.toString()));
    }

    /** Last resort after a test: nothing may stay mounted under {@code dir}. */
    public static void unmountAll(Path... dirs) throws IOException {
        for (Path d : dirs) {
            if (KernelMounts.isMounted(d)) KernelMounts.unmount(d);
        }
    }
}
