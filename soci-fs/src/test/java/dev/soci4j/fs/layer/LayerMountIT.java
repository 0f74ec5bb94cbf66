package dev.soci4j.fs.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci4j.fs.FuseTesting;
import dev.soci4j.fs.fuse.FuseMount;
import dev.soci4j.fs.span.LayerStats;
import dev.soci4j.fs.span.SpanCache;
import dev.soci4j.fs.span.SpanManager;
import dev.soci4j.ztoc.testing.SeededRandom;
import dev.soci4j.ztoc.EntryType;
import dev.soci4j.ztoc.RangeSource;
import dev.soci4j.ztoc.SpanTable;
import dev.soci4j.ztoc.TocPaths;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.ZtocBuilder;
import dev.soci4j.ztoc.testing.RandomLayer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** One layer served over FUSE from a local gzip blob, compared with {@code tar -x} of the same tar. */
@Tag("fuse")
@ExtendWith(SeededRandom.class)
class LayerMountIT {
    @TempDir
    Path tmp;

    private record Layer(RandomLayer random, Path tar, Path blob, Ztoc ztoc) {
    }

    private Layer layer(Random random, int entries) throws IOException {
        return layer(random, entries, RandomLayer.Format.PAX);
    }

    private Layer layer(Random random, int entries, RandomLayer.Format format) throws IOException {
        RandomLayer rl = RandomLayer.builder(random).entryCount(entries).format(format).build();
        Path tar = tmp.resolve("layer.tar");
        Files.write(tar, rl.tar());
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(rl.tar());
        }
        Path blob = tmp.resolve("layer.tar.gz");
        Files.write(blob, gz.toByteArray());
        return new Layer(rl, tar, blob, new ZtocBuilder(64 << 10).build(blob));
    }

    private FuseMount mount(Layer layer, RangeSource source, LayerStats stats, Path mnt) throws IOException {
        Files.createDirectories(mnt);
        SpanManager spans = new SpanManager("test", SpanTable.of(layer.ztoc()), source,
                new SpanCache(tmp.resolve("cache"), 1L << 30), stats);
        LayerFilesystem fs = new LayerFilesystem(LayerTree.of(layer.ztoc().files()), spans,
                layer.ztoc().uncompressedArchiveSize());
        return FuseMount.mount(mnt, fs, "test", 4);
    }

    @Test
    @Timeout(90)
    void everyFileMatchesTarExtraction(Random random) throws Exception {
        FuseTesting.assumeFuse();
        // ustar: every name fits NAME_MAX and there are no xattrs on symlinks, so tar -x extracts it all
        Layer layer = layer(random, 300, RandomLayer.Format.USTAR);
        Path mnt = tmp.resolve("mnt");
        Path extracted = tmp.resolve("extracted");
        FuseTesting.untar(layer.tar(), extracted);
        try (RangeSource source = RangeSource.ofFile(layer.blob());
             FuseMount m = mount(layer, source, new LayerStats(), mnt)) {
            // directory mtimes left out: tar -x leaves these generated layers' directories at extraction time
            assertThat(FuseTesting.difference(FuseTesting.dump(extracted, false), FuseTesting.dump(mnt, false))).isEmpty();
        } finally {
            FuseTesting.unmountAll(mnt);
        }
        assertThat(dev.soci4j.fs.fuse.KernelMounts.isMounted(mnt)).isFalse();
    }

    @Test
    @Timeout(90)
    void concurrentReadersFetchEachSpanOnce(Random random) throws Exception {
        FuseTesting.assumeFuse();
        Layer layer = layer(random, 200);
        Map<String, byte[]> expected = expectedFiles(layer.random());
        Path mnt = tmp.resolve("mnt");
        LayerStats stats = new LayerStats();
        try (RangeSource source = RangeSource.ofFile(layer.blob());
             FuseMount m = mount(layer, source, stats, mnt);
             ExecutorService pool = Executors.newFixedThreadPool(12)) {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < 12; t++) {
                List<String> order = new ArrayList<>(expected.keySet());
                Collections.shuffle(order, new Random(random.nextLong()));
                all.add(pool.submit(() -> {
                    for (String p : order) assertThat(Files.readAllBytes(mnt.resolve(p))).as(p).isEqualTo(expected.get(p));
                    return null;
                }));
            }
            for (Future<?> f : all) f.get();
        } finally {
            FuseTesting.unmountAll(mnt);
        }
        assertThat(stats.spansOnDemand.get()).isLessThanOrEqualTo(SpanTable.of(layer.ztoc()).count());
        assertThat(stats.fetchFailures.get()).isZero();
    }

    @Test
    @Timeout(90)
    void corruptSpanGivesEioNeverWrongBytes(Random random) throws Exception {
        FuseTesting.assumeFuse();
        Layer layer = layer(random, 200);
        Map<String, byte[]> expected = expectedFiles(layer.random());
        SpanTable table = SpanTable.of(layer.ztoc());
        // pick the biggest file; corrupt a byte in the middle of its first span's compressed range
        String victim = expected.entrySet().stream().max((a, b) -> a.getValue().length - b.getValue().length).orElseThrow().getKey();
        long victimOffset = layer.ztoc().files().stream().filter(f -> TocPaths.clean(f.name()).equals(victim))
                .reduce((a, b) -> b).orElseThrow().uncompressedOffset();
        var bad = table.span(table.spanOf(victimOffset));
        long corruptAt = (bad.compressedStart() + bad.compressedEnd()) / 2;
        Path mnt = tmp.resolve("mnt");
        LayerStats stats = new LayerStats();
        try (RangeSource file = RangeSource.ofFile(layer.blob());
             FuseMount m = mount(layer, corrupting(file, corruptAt), stats, mnt)) {
            assertThatThrownBy(() -> Files.readAllBytes(mnt.resolve(victim))).isInstanceOf(IOException.class);
            // a file in an untouched span still reads correctly
            for (var e : expected.entrySet()) {
                long off = layer.ztoc().files().stream().filter(f -> TocPaths.clean(f.name()).equals(e.getKey()))
                        .reduce((a, b) -> b).orElseThrow().uncompressedOffset();
                long end = off + e.getValue().length;
                if (table.spanOf(off) != bad.id() && table.spanOf(Math.max(off, end - 1)) != bad.id()
                        && !(table.spanOf(off) < bad.id() && table.spanOf(end - 1) > bad.id()))
                    assertThat(Files.readAllBytes(mnt.resolve(e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
            }
        } finally {
            FuseTesting.unmountAll(mnt);
        }
        assertThat(stats.fetchFailures.get()).isPositive();
    }

    @Test
    @Timeout(90)
    void unmountsCleanlyAfterReaderProcessesAreKilledAndNeverHangsOnALiveOne(Random random) throws Exception {
        FuseTesting.assumeFuse();
        Layer layer = layer(random, 100);
        String file = expectedFiles(layer.random()).keySet().stream().sorted().findFirst().orElseThrow();
        Path mnt = tmp.resolve("mnt");
        List<Process> holders = new ArrayList<>();
        try (RangeSource source = RangeSource.ofFile(layer.blob())) {
            FuseMount m = mount(layer, source, new LayerStats(), mnt);
            for (int i = 0; i < 3; i++) holders.add(holder(mnt.resolve(file)));
            for (Process p : holders.subList(0, 2)) {
                p.destroyForcibly();
                p.waitFor();
            }
            // the third still holds the file open: close() detaches lazily and ends the connection
            m.close();
            assertThat(dev.soci4j.fs.fuse.KernelMounts.isMounted(mnt)).isFalse();
        } finally {
            for (Process p : holders) p.destroyForcibly().waitFor();
            FuseTesting.unmountAll(mnt);
        }
    }

    /** A process that opens {@code file}, reads from it, says so, and keeps it open. */
    private static Process holder(Path file) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/python3", "-c",
                "import sys,time; f=open(sys.argv[1],'rb'); f.read(1); print('open', flush=True); time.sleep(60)",
                file.toString()).redirectErrorStream(true).start();
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
        assertThat(line).isEqualTo("open");
        return p;
    }

    /** A source that flips one byte, as a registry or proxy returning wrong bytes would. */
    private static RangeSource corrupting(RangeSource inner, long at) {
        return new RangeSource() {
            @Override
            public long size() throws IOException {
                return inner.size();
            }

            @Override
            public void readFully(long offset, byte[] dst, int dstOffset, int length) throws IOException {
                inner.readFully(offset, dst, dstOffset, length);
                if (at >= offset && at < offset + length) dst[dstOffset + (int) (at - offset)] ^= 0x5a;
            }
        };
    }

    /** Regular files (and hardlinks to them) with their final content, by cleaned path. */
    static Map<String, byte[]> expectedFiles(RandomLayer layer) {
        Map<String, RandomLayer.Entry> byPath = new HashMap<>();
        for (RandomLayer.Entry e : layer.entries()) byPath.put(TocPaths.clean(e.name()), e);
        Map<String, byte[]> out = new HashMap<>();
        for (var e : byPath.entrySet()) {
            RandomLayer.Entry entry = e.getValue();
            if (entry.type() == EntryType.REG) out.put(e.getKey(), entry.content());
        }
        return out;
    }
}
