package dev.soci4j.cli.command;

import dev.soci4j.cli.demo.LayoutRegistry;
import dev.soci4j.cli.demo.LazyRead;
import dev.soci4j.cli.demo.SampleImage;
import dev.soci4j.cli.output.Json;
import dev.soci4j.cli.output.Sizes;
import dev.soci4j.cli.output.Table;
import dev.soci4j.index.BuildOptions;
import dev.soci4j.index.ConvertRequest;
import dev.soci4j.index.ConvertResult;
import dev.soci4j.index.LayerOutcome;
import dev.soci4j.index.BuildProgress;
import dev.soci4j.index.SociConverter;
import dev.soci4j.index.store.IndexStore;
import dev.soci4j.oci.ImageReference;
import dev.soci4j.oci.Platform;
import dev.soci4j.oci.RegistryClient;
import dev.soci4j.oci.layout.OciLayoutDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code soci demo}: the project's main job on an embedded default, in the spirit of the original
 * Fargate experiment. Writes a sample image of a few hundred MiB (three gzip layers, one large file)
 * into an OCI layout, converts it to SOCI v2, serves it from a read-only registry on loopback, and
 * then reads the image server's start-up files twice: once after fetching every layer whole, once
 * lazily through the SOCI index with Range requests. Prints time to the first file and bytes fetched.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {"Run the SOCI demo on a generated sample image of a few hundred MiB.",
                "Converts it to SOCI v2, serves it on loopback and reads its start-up files lazily, then prints",
                "the time to the first file and the bytes fetched, against downloading every layer whole."})
public final class DemoCommand implements Callable<Integer> {
    /** 1 TiB: far beyond a useful demo, and small enough that MiB to bytes cannot overflow. */
    static final long MAX_LARGE_FILE_MIB = 1L << 20;
    private static final String TAG = "sample";
    private static final String SOCI_TAG = "sample-soci";

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

    @Option(names = "--keep", description = "Keep the temporary directory with the image, its SOCI index and zTOCs.")
    boolean keep;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    /** One way of starting: when the first and the last start-up file were readable, and the bytes it took. */
    record Access(String mode, long firstFileMillis, long allFilesMillis, long bytesFetched, long requests) {
    }

    record Result(String image, int layers, long imageBytes, long uncompressedBytes, int files, String sociIndex,
                  int ztocs, long convertMillis, List<LazyRead.FileRead> reads, Access full, Access lazy,
                  double lazyFractionOfImage, boolean verified) {
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
        Path imageDir = work.resolve("image");
        if (human) {
            out.println("soci4j demo: a sample image, converted to SOCI v2, served on loopback and started lazily");
            out.println("  work dir: " + work);
            step(out, "1. writing the sample image (3 gzip layers) into an OCI layout ... ");
        }
        long t0 = System.nanoTime();
        OciLayoutDirectory layout = OciLayoutDirectory.open(imageDir);
        SampleImage.Written image = new SampleImage(largeFileMib << 20, 42).write(layout, TAG);
        if (human) {
            out.printf("%s compressed, %d files, %s uncompressed (%s)%n", Sizes.bytes(image.compressedSize()),
                    image.fileCount(), Sizes.bytes(image.uncompressedSize()), Sizes.duration(since(t0)));
            step(out, "2. soci convert oci:%s:%s oci:%s:%s ... ".formatted(imageDir, TAG, imageDir, SOCI_TAG));
        }
        long t1 = System.nanoTime();
        ConvertResult converted;
        try (RegistryClient offline = RegistryClient.builder().build()) {
            IndexStore store = IndexStore.open(work.resolve("store"));
            BuildOptions build = BuildOptions.DEFAULT.withSpanSize(spanSize);
            ConvertRequest request = ConvertRequest.of("oci:%s:%s".formatted(imageDir, TAG), "oci:%s:%s".formatted(imageDir, SOCI_TAG))
                    .withBuild(build);
            converted = new SociConverter(offline, store, BuildProgress.NONE).convert(request);
        }
        Duration convert = since(t1);
        var platformIndex = converted.platforms().getFirst();
        int ztocs = (int) platformIndex.layers().stream().filter(l -> l instanceof LayerOutcome.Indexed).count();
        if (human) {
            out.printf("SOCI index %s with %d zTOCs (%s)%n", platformIndex.sociIndex().digest().abbreviated(), ztocs,
                    Sizes.duration(convert));
        }

        try (LayoutRegistry registry = new LayoutRegistry(layout);
             RegistryClient client = RegistryClient.builder().build()) {
            ImageReference ref = ImageReference.parse(registry.address() + "/demo/sample:" + SOCI_TAG);
            if (human) {
                out.println("3. serving it read-only at " + registry.address() + " (Range requests), then reading the");
                out.println("   server's start-up files: once after fetching every layer whole, once lazily");
                out.flush();
            }
            LazyRead reader = new LazyRead(client, ref, Platform.parse("linux/amd64"), work.resolve("scratch"));
            registry.resetCounters();
            LazyRead.Timing full = reader.fullDownload(image.startupFiles());
            Access fullAccess = new Access("full download", full.firstFileMillis(), full.allFilesMillis(),
                    registry.blobBytesServed(), registry.blobRequests());
            registry.resetCounters();
            LazyRead.Timing lazy = reader.lazy(image.startupFiles());
            Access lazyAccess = new Access("lazy, through the SOCI index", lazy.firstFileMillis(), lazy.allFilesMillis(),
                    registry.blobBytesServed(), registry.blobRequests());
            boolean verified = full.verified() && lazy.verified();
            Result result = new Result(ref.toString(), image.layers().size(), image.compressedSize(),
                    image.uncompressedSize(), image.fileCount(), platformIndex.sociIndex().digest().toString(), ztocs,
                    convert.toMillis(), lazy.reads(), fullAccess, lazyAccess,
                    (double) lazyAccess.bytesFetched() / image.compressedSize(), verified);
            if (json) {
                Json.print(out, result);
            } else {
                printHuman(out, result);
            }
            if (!verified) spec.commandLine().getErr().println("soci: a file read from the image did not match its content");
            return verified ? 0 : 1;
        }
    }

    private static void printHuman(PrintWriter out, Result r) {
        out.println();
        Table files = new Table("START-UP FILE", "SIZE>", "LAYER>", "HOW", "FETCHED>", "TIME>", "CONTENT");
        for (LazyRead.FileRead f : r.reads()) {
            files.row(f.path(), Sizes.bytes(f.size()), f.layer() + 1, f.lazy() ? "spans " + f.spans() : "whole layer",
                    Sizes.bytes(f.bytesFetched()), "%.1f ms".formatted(f.micros() / 1000.0),
                    f.verified() ? "sha256 ok" : "MISMATCH");
        }
        files.print(out);
        out.println();
        Table table = new Table("START", "FIRST FILE>", "ALL START-UP FILES>", "BYTES FETCHED>", "OF THE IMAGE>");
        for (Access a : List.of(r.full(), r.lazy())) {
            table.row(a.mode(), a.firstFileMillis() + " ms", a.allFilesMillis() + " ms", Sizes.bytes(a.bytesFetched()),
                    Sizes.percent(a.bytesFetched(), r.imageBytes()));
        }
        table.print(out);
        out.printf("%nLazily, the start-up files were readable after %d ms instead of %d ms, fetching %s of a %s image.%n",
                r.lazy().allFilesMillis(), r.full().allFilesMillis(), Sizes.bytes(r.lazy().bytesFetched()),
                Sizes.bytes(r.imageBytes()));
        out.flush();
    }

    private static void step(PrintWriter out, String text) {
        out.print(text);
        out.flush();
    }

    private static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
