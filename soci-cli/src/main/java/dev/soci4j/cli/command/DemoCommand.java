package dev.soci4j.cli.command;

import dev.soci4j.cli.demo.SampleLayer;
import dev.soci4j.cli.output.Json;
import dev.soci4j.cli.output.Sizes;
import dev.soci4j.cli.output.Table;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.LayerReader;
import dev.soci4j.ztoc.RangeSource;
import dev.soci4j.ztoc.SpanTable;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.ZtocBuilder;
import dev.soci4j.ztoc.ZtocCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code soci demo}: the project's main job on an embedded default. Writes a sample gzip layer of a
 * few hundred MiB, builds its zTOC, reads a server's start-up files through it and shows how few bytes
 * that touched compared with fetching the whole layer.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {"Make a sample gzip layer, index it and read a few files lazily through its zTOC.",
                "Prints the bytes read from the layer against its size (a few hundred MiB by default)."})
public final class DemoCommand implements Callable<Integer> {
    /** 1 TiB: far beyond a useful demo, and small enough that MiB to bytes cannot overflow. */
    static final long MAX_LARGE_FILE_MIB = 1L << 20;

    @Spec
    CommandSpec spec;

    @Option(names = "--large-file-mib", defaultValue = "256", paramLabel = "MIB",
            description = "Size of the sample's one large data file (default: ${DEFAULT-VALUE} MiB).")
    long largeFileMib;

    @Option(names = "--span-size", defaultValue = "4194304", paramLabel = "BYTES",
            description = "zTOC span size (default: ${DEFAULT-VALUE}).")
    long spanSize;

    @Option(names = "--dir", paramLabel = "DIR", description = "Work here instead of a new temporary directory (kept).")
    Path dir;

    @Option(names = "--keep", description = "Keep the temporary directory with the layer and its zTOC.")
    boolean keep;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    record FileRead(String path, long size, int spans, long bytesFetched, long micros, boolean verified) {
    }

    record Result(String layer, long layerBytes, long uncompressedBytes, int files, long ztocBytes, int spans,
                  long spanSize, long buildMillis, List<FileRead> reads, long bytesFetched, double fractionOfLayer) {
    }

    @Override
    public Integer call() throws Exception {
        if (largeFileMib < 0 || largeFileMib > MAX_LARGE_FILE_MIB)
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--large-file-mib must be between 0 and %d, got %d".formatted(MAX_LARGE_FILE_MIB, largeFileMib));
        if (spanSize <= 0)
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--span-size must be positive, got " + spanSize);
        PrintWriter out = spec.commandLine().getOut();
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("soci4j-demo-");
        try {
            return run(work, out);
        } finally {
            if (dir == null && !keep) deleteTree(work);
        }
    }

    private int run(Path work, PrintWriter out) throws Exception {
        boolean human = !json;
        if (human) {
            out.println("soci4j demo: a sample gzip layer, indexed, then read lazily through its zTOC");
            out.println("  work dir: " + work);
            out.print("1. writing the sample layer ... ");
            out.flush();
        }
        long t0 = System.nanoTime();
        SampleLayer.Written layer = new SampleLayer(largeFileMib << 20, 42).write(work.resolve("layer.tar.gz"));
        if (human) {
            out.printf("%s gzip, %d files, %s uncompressed (%s)%n", Sizes.bytes(layer.compressedSize()),
                    layer.files().size(), Sizes.bytes(layer.uncompressedSize()), Sizes.duration(since(t0)));
            out.print("2. building its zTOC in one streaming pass ... ");
            out.flush();
        }
        long t1 = System.nanoTime();
        Ztoc ztoc = new ZtocBuilder(spanSize).build(layer.layer());
        byte[] ztocBytes = ZtocCodec.encode(ztoc);
        Files.write(work.resolve("layer.tar.gz.ztoc"), ztocBytes);
        Duration build = since(t1);
        SpanTable spans = SpanTable.of(ztoc);
        if (human) {
            out.printf("%d spans of %s, zTOC %s (%s)%n", spans.count(), Sizes.bytes(spanSize),
                    Sizes.bytes(ztocBytes.length), Sizes.duration(build));
            out.println("3. reading a server's start-up files through the zTOC, each span checked against its sha256:");
            out.flush();
        }

        List<FileRead> reads = new ArrayList<>();
        AtomicLong fetched = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        try (RangeSource file = RangeSource.ofFile(layer.layer());
             RangeSource counting = counting(file, fetched, requests);
             LayerReader reader = new LayerReader(ztoc, counting)) {
            for (SampleLayer.SampleFile f : layer.startupFiles()) {
                long before = fetched.get();
                long t = System.nanoTime();
                FileMetadata entry = reader.lookup(f.path()).orElseThrow();
                byte[] content = reader.readFile(entry);
                long micros = (System.nanoTime() - t) / 1000;
                boolean ok = content.length == f.size() && sha256(content).equals(f.sha256());
                int first = spans.spanOf(entry.uncompressedOffset());
                int last = spans.spanOf(Math.max(entry.uncompressedOffset(), entry.uncompressedEnd() - 1));
                reads.add(new FileRead(f.path(), f.size(), last - first + 1, fetched.get() - before, micros, ok));
            }
        }
        long total = fetched.get();
        Result result = new Result(layer.layer().toString(), layer.compressedSize(), layer.uncompressedSize(),
                layer.files().size(), ztocBytes.length, spans.count(), spanSize, build.toMillis(), reads, total,
                (double) total / layer.compressedSize());
        if (json) {
            Json.print(out, result);
        } else {
            Table table = new Table("FILE", "SIZE>", "SPANS>", "FETCHED>", "TIME>", "CONTENT");
            for (FileRead r : reads) {
                table.row(r.path(), Sizes.bytes(r.size()), r.spans(), Sizes.bytes(r.bytesFetched()),
                        "%.1f ms".formatted(r.micros() / 1000.0), r.verified() ? "sha256 ok" : "MISMATCH");
            }
            table.print(out);
            out.println();
            new Table("ACCESS", "BYTES READ FROM THE LAYER>", "SHARE>")
                    .row("full download", Sizes.bytes(layer.compressedSize()), "100%")
                    .row("lazy, through the zTOC", Sizes.bytes(total), Sizes.percent(total, layer.compressedSize()))
                    .print(out);
            out.printf("%nThe start-up files needed %s of a %s layer: %.0fx less than fetching it whole.%n",
                    Sizes.bytes(total), Sizes.bytes(layer.compressedSize()),
                    total == 0 ? 0.0 : (double) layer.compressedSize() / total);
            out.flush();
        }
        boolean allOk = reads.stream().allMatch(FileRead::verified);
        if (!allOk) spec.commandLine().getErr().println("soci: a file read through the zTOC did not match its content");
        return allOk ? 0 : 1;
    }

    private static RangeSource counting(RangeSource source, AtomicLong bytes, AtomicLong requests) {
        return new RangeSource() {
            @Override
            public long size() throws IOException {
                return source.size();
            }

            @Override
            public void readFully(long offset, byte[] dst, int dstOffset, int length) throws IOException {
                requests.incrementAndGet();
                bytes.addAndGet(length);
                source.readFully(offset, dst, dstOffset, length);
            }
        };
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
