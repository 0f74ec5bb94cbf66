package dev.soci4j.fs.layer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci4j.fs.FuseTesting;
import dev.soci4j.fs.fuse.FuseMount;
import dev.soci4j.fs.fuse.KernelMounts;
import dev.soci4j.fs.span.LayerStats;
import dev.soci4j.fs.span.SpanCache;
import dev.soci4j.fs.span.SpanManager;
import dev.soci4j.ztoc.testing.SeededRandom;
import dev.soci4j.ztoc.RangeSource;
import dev.soci4j.ztoc.SpanTable;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.ZtocBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MergedFilesystem} against the kernel's overlayfs as the oracle: seeded random stacks of
 * layers (names shared across layers, so files replace directories and back, whiteouts, opaque
 * directories, symlinks, hardlinks) are mounted both ways, and every path, type, mode, owner, size,
 * content, link target, device and xattr must be the same.
 */
@Tag("fuse")
@ExtendWith(SeededRandom.class)
class MergedVsOverlayIT {
    private static final String[] NAMES = {"a", "b", "c", "d"};

    @TempDir
    Path tmp;

    @Test
    @Timeout(300)
    void mergedMountShowsWhatOverlayfsShows(Random random) throws Exception {
        FuseTesting.assumeFuse();
        for (int round = 0; round < 6; round++) {
            Path dir = Files.createDirectories(tmp.resolve("round" + round));
            int layerCount = 2 + random.nextInt(3);
            List<Path> tars = new ArrayList<>();
            for (int i = 0; i < layerCount; i++) {
                Path tree = Files.createDirectories(dir.resolve("tree" + i));
                fill(tree, 0, random, new ArrayList<>());
                Path tar = dir.resolve("layer" + i + ".tar");
                FuseTesting.run(List.of("tar", "-c", "--format=pax", "--numeric-owner", "-f", tar.toString(), "-C", tree.toString(), "."));
                tars.add(tar);
            }
            compare(dir, tars);
        }
    }

    /** The classic cases by hand, so that a rule both views break the same way cannot pass unseen. */
    @Test
    @Timeout(120)
    void whiteoutsOpaqueDirectoriesAndReplacedTypes() throws Exception {
        FuseTesting.assumeFuse();
        Path dir = Files.createDirectories(tmp.resolve("fixed"));
        Path lower = Files.createDirectories(dir.resolve("tree0"));
        Files.createDirectories(lower.resolve("opaque"));
        Files.writeString(lower.resolve("opaque/hidden"), "lower");
        Files.createDirectories(lower.resolve("merged"));
        Files.writeString(lower.resolve("merged/kept"), "lower");
        Files.writeString(lower.resolve("merged/gone"), "lower");
        Files.createDirectories(lower.resolve("dir-becomes-file"));
        Files.writeString(lower.resolve("dir-becomes-file/x"), "lower");
        Files.writeString(lower.resolve("file-becomes-dir"), "lower");
        Path upper = Files.createDirectories(dir.resolve("tree1"));
        Files.createDirectories(upper.resolve("opaque"));
        Files.createFile(upper.resolve("opaque/.wh..wh..opq"));
        Files.writeString(upper.resolve("opaque/new"), "upper");
        Files.createDirectories(upper.resolve("merged"));
        Files.createFile(upper.resolve("merged/.wh.gone"));
        Files.writeString(upper.resolve("merged/added"), "upper");
        Files.writeString(upper.resolve("dir-becomes-file"), "upper");
        Files.createDirectories(upper.resolve("file-becomes-dir"));
        Files.writeString(upper.resolve("file-becomes-dir/y"), "upper");
        List<Path> tars = new ArrayList<>();
        for (Path tree : List.of(lower, upper)) {
            Path tar = dir.resolve(tree.getFileName() + ".tar");
            FuseTesting.run(List.of("tar", "-c", "--format=pax", "--numeric-owner", "-f", tar.toString(), "-C", tree.toString(), "."));
            tars.add(tar);
        }
        String shown = compare(dir, tars);
        assertThat(shown).contains("'opaque/new'", "'merged/kept'", "'merged/added'", "'file-becomes-dir/y'")
                .doesNotContain("hidden", "gone", "dir-becomes-file/x", ".wh.");
    }

    /** Mounts the layers both ways, asserts the listings are equal, and returns the merged one. */
    private String compare(Path dir, List<Path> tars) throws Exception {
        List<LayerFilesystem> layers = new ArrayList<>();
        List<RangeSource> sources = new ArrayList<>();
        List<FuseMount> mounts = new ArrayList<>();
        Path overlay = Files.createDirectories(dir.resolve("overlay"));
        Path merged = Files.createDirectories(dir.resolve("merged"));
        boolean overlayMounted = false;
        try {
            for (int i = 0; i < tars.size(); i++) {
                Ztoc ztoc = new ZtocBuilder(64 << 10).build(tars.get(i));
                RangeSource source = RangeSource.ofFile(tars.get(i));
                sources.add(source);
                SpanManager spans = new SpanManager("layer" + i, SpanTable.of(ztoc), source,
                        new SpanCache(dir.resolve("cache" + i), 1L << 30), new LayerStats());
                layers.add(new LayerFilesystem(LayerTree.of(ztoc.files()), spans, ztoc.uncompressedArchiveSize()));
                mounts.add(FuseMount.mount(Files.createDirectories(dir.resolve("root" + i)), layers.getLast(), "l" + i, 2));
            }
            List<Path> lowers = new ArrayList<>();
            for (FuseMount m : mounts.reversed()) lowers.add(m.mountPoint());
            KernelMounts.overlay(overlay, lowers, Files.createDirectories(dir.resolve("empty")));
            overlayMounted = true;
            mounts.add(FuseMount.mount(merged, new MergedFilesystem(layers), "merged", 2));
            String listing = listing(tars);
            String expected, actual;
            try {
                expected = FuseTesting.dump(overlay, false, true);
                actual = FuseTesting.dump(merged, false);
            } catch (java.io.IOException e) {
                throw new AssertionError(e.getMessage() + "\nlayers (bottom first):\n" + listing, e);
            }
            assertThat(expected).as("overlay shows something").isNotBlank();
            assertThat(FuseTesting.difference(expected, actual)).as("%s\nlayers (bottom first):\n%s", dir, listing).isEmpty();
            return actual;
        } finally {
            if (overlayMounted) KernelMounts.unmount(overlay);
            for (FuseMount m : mounts.reversed()) m.close();
            for (RangeSource s : sources) s.close();
        }
    }

    private static String listing(List<Path> tars) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < tars.size(); i++) {
            sb.append("-- layer ").append(i).append('\n')
                    .append(FuseTesting.run(List.of("tar", "-tvf", tars.get(i).toString())));
        }
        return sb.toString();
    }

    /** A random directory level: each shared name is absent, a file, a directory, a symlink, a hardlink or a whiteout. */
    private static void fill(Path dir, int depth, Random random, List<Path> files) throws Exception {
        for (String name : NAMES) {
            Path p = dir.resolve(name);
            int pick = random.nextInt(100);
            if (pick < 30) continue;
            if (pick < 50) {
                byte[] data = new byte[random.nextInt(10) == 0 ? 70_000 + random.nextInt(70_000) : random.nextInt(3000)];
                random.nextBytes(data);
                Files.write(p, data);
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(random.nextBoolean() ? "rw-r--r--" : "rwxr-x---"));
                files.add(p);
            } else if (pick < 72 && depth < 3) {
                Files.createDirectory(p);
                fill(p, depth + 1, random, files);
                if (random.nextInt(3) == 0) Files.createFile(p.resolve(".wh..wh..opq"));
            } else if (pick < 80) {
                Files.createSymbolicLink(p, Path.of(NAMES[random.nextInt(NAMES.length)]));
            } else if (pick < 86 && !files.isEmpty()) {
                Files.createLink(p, files.get(random.nextInt(files.size())));
            } else {
                Files.createFile(dir.resolve(".wh." + name));
            }
        }
        Files.setLastModifiedTime(dir, FileTime.fromMillis(1_600_000_000_000L + random.nextInt(1_000_000) * 1000L));
    }
}
