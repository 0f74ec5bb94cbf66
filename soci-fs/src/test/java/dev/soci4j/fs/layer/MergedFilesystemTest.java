package dev.soci4j.fs.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.fs.FuseTesting;
import dev.soci4j.fs.fuse.FuseError;
import dev.soci4j.fs.fuse.FuseFilesystem;
import dev.soci4j.fs.span.LayerStats;
import dev.soci4j.fs.span.SpanCache;
import dev.soci4j.fs.span.SpanManager;
import dev.soci4j.ztoc.RangeSource;
import dev.soci4j.ztoc.SpanTable;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.ZtocBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The merged view without FUSE: node ids come from the zTOCs alone, so a new instance answers for them. */
class MergedFilesystemTest {
    @TempDir
    Path tmp;

    private final List<RangeSource> sources = new ArrayList<>();
    private final List<LayerFilesystem> layers = new ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void close() throws Exception {
        layers.forEach(LayerFilesystem::close);   // cache writes end before the temp dir goes
        for (RangeSource s : sources) s.close();
    }

    private LayerFilesystem layer(String name, Path tree) throws Exception {
        Path tar = tmp.resolve(name + ".tar");
        FuseTesting.run(List.of("tar", "-c", "--format=pax", "--numeric-owner", "-f", tar.toString(), "-C", tree.toString(), "."));
        Ztoc ztoc = new ZtocBuilder(64 << 10).build(tar);
        RangeSource source = RangeSource.ofFile(tar);
        sources.add(source);
        SpanManager spans = new SpanManager(name, SpanTable.of(ztoc), source, new SpanCache(tmp.resolve(name + "-cache"), 1L << 30), new LayerStats());
        LayerFilesystem fs = new LayerFilesystem(LayerTree.of(ztoc.files()), spans, ztoc.uncompressedArchiveSize());
        layers.add(fs);
        return fs;
    }

    private static long walk(FuseFilesystem fs, String path) throws Exception {
        long id = FuseFilesystem.ROOT_ID;
        for (String part : path.split("/")) {
            id = fs.lookup(id, part.getBytes(StandardCharsets.UTF_8));
            if (id == 0) return 0;
        }
        return id;
    }

    @Test
    void idsAreDerivedFromTheLayersAloneAndHiddenNamesStayHidden() throws Exception {
        Path lower = Files.createDirectories(tmp.resolve("lower/etc/deep"));
        Files.writeString(lower.resolve("file"), "lower");
        Files.writeString(lower.resolve("old"), "old");
        Path upper = Files.createDirectories(tmp.resolve("upper/etc/deep"));
        Files.writeString(upper.resolve("new"), "upper");
        Files.createFile(upper.resolve(".wh.old"));
        List<LayerFilesystem> layers = List.of(layer("lower", tmp.resolve("lower")), layer("upper", tmp.resolve("upper")));

        MergedFilesystem first = new MergedFilesystem(layers);
        long deep = walk(first, "etc/deep");
        long file = walk(first, "etc/deep/file");
        assertThat(deep).isGreaterThan(FuseFilesystem.ROOT_ID);
        assertThat(walk(first, "etc/deep/old")).isZero();
        assertThat(first.list(deep)).extracting(e -> new String(e.name(), StandardCharsets.UTF_8)).containsExactly("file", "new");

        // a new process (a new instance) that never looked anything up answers for the same ids
        MergedFilesystem second = new MergedFilesystem(layers);
        assertThat(second.list(deep)).usingRecursiveFieldByFieldElementComparator().isEqualTo(first.list(deep));
        assertThat(second.attr(file)).isEqualTo(first.attr(file));
        byte[] buf = new byte[16];
        int n = second.read(file, 0, buf, buf.length);
        assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).isEqualTo("lower");
        assertThat(walk(second, "etc/deep/new")).isEqualTo(walk(first, "etc/deep/new"));
        // an id no layer has is ENOENT, not a crash
        assertThatThrownBy(() -> second.attr(deep | 0x7f)).isInstanceOf(FuseError.class);
        assertThatThrownBy(() -> second.list(file)).isInstanceOf(FuseError.class);
    }
}
