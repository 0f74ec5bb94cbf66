package dev.soci4j.fs.fuse;

import dev.soci4j.fs.layer.LayerFilesystem;
import dev.soci4j.fs.layer.LayerTree;
import dev.soci4j.fs.span.LayerStats;
import dev.soci4j.fs.span.SpanCache;
import dev.soci4j.fs.span.SpanManager;
import dev.soci4j.ztoc.RangeSource;
import dev.soci4j.ztoc.SpanTable;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.ZtocBuilder;
import java.nio.file.Path;

/**
 * What {@code FusermountMountIT} runs as an unprivileged user, in a JVM of its own (setpriv cannot
 * change the uid of a running JVM). {@code serve <layer.tar.gz> <mountpoint> <cache>} mounts the
 * layer through the public {@link FuseMount#mount} (which takes the fusermount3 path, not being root),
 * prints {@code mounted}, serves until stdin ends, unmounts and prints {@code unmounted}.
 * {@code unmount <dir>} prints what {@link KernelMounts#unmount} returned.
 */
final class MountAsUserMain {
    private MountAsUserMain() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "serve" -> serve(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
            case "unmount" -> System.out.println("unmounted=" + KernelMounts.unmount(Path.of(args[1])));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    private static void serve(Path blob, Path mountPoint, Path cache) throws Exception {
        Ztoc ztoc = new ZtocBuilder(64 << 10).build(blob);
        try (RangeSource source = RangeSource.ofFile(blob)) {
            SpanManager spans = new SpanManager("user", SpanTable.of(ztoc), source, new SpanCache(cache, 1L << 30),
                    new LayerStats());
            LayerFilesystem fs = new LayerFilesystem(LayerTree.of(ztoc.files()), spans, ztoc.uncompressedArchiveSize());
            try (FuseMount _ = FuseMount.mount(mountPoint, fs, "user", 2)) {
                System.out.println("mounted");
                System.out.flush();
                System.in.readAllBytes(); // until the test closes our stdin
            }
            System.out.println(KernelMounts.isMounted(mountPoint) ? "still mounted" : "unmounted");
        }
    }
}
