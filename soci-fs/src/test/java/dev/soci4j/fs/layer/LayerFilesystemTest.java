package dev.soci4j.fs.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.fs.span.LayerStats;
import dev.soci4j.fs.span.SpanCache;
import dev.soci4j.fs.span.SpanManager;
import dev.soci4j.ztoc.testing.SeededRandom;
import dev.soci4j.ztoc.EntryType;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.RangeSource;
import dev.soci4j.ztoc.SpanTable;
import dev.soci4j.ztoc.TocPaths;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.ZtocBuilder;
import dev.soci4j.ztoc.testing.RandomLayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The filesystem answers without FUSE: reads against the layer's own bytes, and the tar header check. */
@ExtendWith(SeededRandom.class)
class LayerFilesystemTest {
    @TempDir
    Path tmp;

    @Test
    void readsMatchTheLayerAndAShiftedOffsetFailsTheHeaderCheck(Random random) throws Exception {
        RandomLayer layer = RandomLayer.builder(random).entryCount(80).format(RandomLayer.Format.USTAR).build();
        Path tar = tmp.resolve("layer.tar");
        Files.write(tar, layer.tar());
        Ztoc ztoc = new ZtocBuilder(64 << 10).build(tar);
        // a zTOC whose offsets are off by one block for one file: the header check must refuse it
        List<FileMetadata> files = new ArrayList<>(ztoc.files());
        int victim = -1;
        for (int i = 0; i < files.size(); i++) {
            FileMetadata f = files.get(i);
            if (f.type() == EntryType.REG && f.uncompressedSize() > 0
                    && f.uncompressedEnd() + 512 <= ztoc.uncompressedArchiveSize()) victim = i;
        }
        FileMetadata v = files.get(victim);
        files.set(victim, new FileMetadata(v.name(), v.type(), v.uncompressedOffset() + 512, v.uncompressedSize(), v.linkname(),
                v.mode(), v.uid(), v.gid(), v.uname(), v.gname(), v.modTime(), v.devmajor(), v.devminor(), v.xattrs()));
        Ztoc tampered = new Ztoc(ztoc.version(), ztoc.buildToolIdentifier(), ztoc.compressedArchiveSize(),
                ztoc.uncompressedArchiveSize(), files, ztoc.compressionInfo());
        try (RangeSource source = RangeSource.ofFile(tar)) {
            SpanManager spans = new SpanManager("test", SpanTable.of(tampered), source,
                    new SpanCache(tmp.resolve("cache"), 1L << 30), new LayerStats());
            LayerTree tree = LayerTree.of(tampered.files());
            LayerFilesystem fs = new LayerFilesystem(tree, spans, tampered.uncompressedArchiveSize());
            LayerTree.Node bad = tree.find(TocPaths.clean(v.name()));
            byte[] buf = new byte[1 << 20];
            assertThatThrownBy(() -> fs.read(bad.id(), 0, buf, buf.length))
                    .isInstanceOf(IOException.class).hasMessageContaining("tar header does not match");
            for (RandomLayer.Entry e : layer.entries()) {
                LayerTree.Node n = tree.find(TocPaths.clean(e.name()));
                if (e.type() != EntryType.REG || n == null || n.id() == bad.id() || n.meta() != null && n.meta().type() != EntryType.REG) continue;
                int got = fs.read(n.id(), 0, buf, buf.length);
                byte[] content = e.content();
                if (n.meta().uncompressedSize() != content.length) continue; // a later entry of the same name won
                assertThat(java.util.Arrays.copyOf(buf, got)).as(e.name()).isEqualTo(content);
            }
            fs.close();   // lets the cache writes end before the temp dir goes
        }
    }
}
