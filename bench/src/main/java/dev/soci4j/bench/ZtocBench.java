package dev.soci4j.bench;

import dev.soci4j.ztoc.LayerReader;
import dev.soci4j.ztoc.RangeSource;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.ZtocBuilder;
import dev.soci4j.ztoc.zran.BareInflate;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/**
 * In-process part of {@code bench/ztoc-build.sh}: for one gzip layer, the zTOC build time against
 * plain decompression of the same layer measured in the same run (a bare inflate pass through the same
 * zlib binding, and the JDK's {@code GZIPInputStream} drain), cold random 4 KiB read latency through
 * the zTOC, and the peak heap of a build. Prints {@code key=value} lines the script turns into a table.
 *
 * <p>Usage: {@code ZtocBench LAYER [RUNS] [READS]}
 */
public final class ZtocBench {
    public static void main(String[] args) throws Exception {
        Path layer = Path.of(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int reads = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        long size = Files.size(layer);
        System.out.printf("layer=%s%nlayer_bytes=%d%nruns=%d%n", layer, size, runs);

        // warm-up: one of each, so JIT and page cache are the same for all three
        bareInflate(layer);
        Ztoc ztoc = new ZtocBuilder().build(layer);
        gzipInputStream(layer);

        long[] bare = new long[runs];
        long[] build = new long[runs];
        long[] jdk = new long[runs];
        long uncompressed = 0;
        for (int r = 0; r < runs; r++) {
            long t = System.nanoTime();
            uncompressed = bareInflate(layer);
            bare[r] = System.nanoTime() - t;
            t = System.nanoTime();
            ztoc = new ZtocBuilder().build(layer);
            build[r] = System.nanoTime() - t;
            t = System.nanoTime();
            long n = gzipInputStream(layer);
            jdk[r] = System.nanoTime() - t;
            if (n != uncompressed) throw new IllegalStateException("GZIPInputStream gave " + n + " bytes, zlib " + uncompressed);
        }
        System.out.printf("uncompressed_bytes=%d%nfiles=%d%nspans=%d%n", uncompressed, ztoc.files().size(), ztoc.numSpans());
        System.out.printf("bare_inflate_ms=%.1f%nztoc_build_ms=%.1f%ngzipinputstream_ms=%.1f%n",
                median(bare) / 1e6, median(build) / 1e6, median(jdk) / 1e6);
        System.out.printf("build_over_bare=%.3f%ngzipinputstream_over_bare=%.3f%n",
                (double) median(build) / median(bare), (double) median(jdk) / median(bare));
        System.out.printf("build_mb_per_s=%.1f%n", size / 1e6 / (median(build) / 1e9));

        coldReads(layer, ztoc, reads);
        peakHeap(layer);
    }

    private static long bareInflate(Path layer) throws IOException {
        try (FileChannel ch = FileChannel.open(layer)) {
            return BareInflate.inflate(ch);
        }
    }

    private static long gzipInputStream(Path layer) throws IOException {
        long total = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(layer), 1 << 20), 1 << 16)) {
            int n;
            while ((n = in.read(buf)) > 0) total += n;
        }
        return total;
    }

    /** Each read on a new reader, so no span is cached in the process: one fetch, verify and inflate. */
    private static void coldReads(Path layer, Ztoc ztoc, int reads) throws IOException {
        Random random = new Random(42);
        long[] nanos = new long[reads];
        byte[] buf = new byte[4096];
        long limit = ztoc.uncompressedArchiveSize() - buf.length;
        try (RangeSource source = RangeSource.ofFile(layer)) {
            // a few untimed reads first: the first SHA-256 and inflate calls pay JIT compilation
            for (int i = 0; i < 5; i++) {
                try (LayerReader reader = new LayerReader(ztoc, source)) {
                    reader.readFully((long) (random.nextDouble() * limit), buf, 0, buf.length);
                }
            }
            for (int i = 0; i < reads; i++) {
                long offset = (long) (random.nextDouble() * limit);
                try (LayerReader reader = new LayerReader(ztoc, source)) {
                    long t = System.nanoTime();
                    reader.readFully(offset, buf, 0, buf.length);
                    nanos[i] = System.nanoTime() - t;
                }
            }
        }
        Arrays.sort(nanos);
        System.out.printf("cold_read_4k_median_ms=%.2f%ncold_read_4k_p99_ms=%.2f%ncold_read_4k_max_ms=%.2f%n",
                nanos[reads / 2] / 1e6, nanos[(int) Math.min(reads - 1, Math.ceil(reads * 0.99) - 1)] / 1e6,
                nanos[reads - 1] / 1e6);
    }

    private static void peakHeap(Path layer) throws IOException {
        List<MemoryPoolMXBean> heap = new ArrayList<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) heap.add(pool);
        }
        System.gc();
        long before = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        new ZtocBuilder().build(layer);
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        System.out.printf("heap_before_build_mib=%.1f%nheap_peak_during_build_mib=%.1f%n", before / 1048576.0, peak / 1048576.0);
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
