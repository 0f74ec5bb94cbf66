package dev.soci4j.cli.command;

import dev.soci4j.cli.ExitCode;
import dev.soci4j.cli.UserError;
import dev.soci4j.cli.output.Json;
import dev.soci4j.cli.output.Sizes;
import dev.soci4j.cli.output.Table;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.ZtocBuilder;
import dev.soci4j.ztoc.ZtocCodec;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code soci ztoc build LAYER}: one streaming pass over a gzip or tar layer. */
@Command(name = "build",
        mixinStandardHelpOptions = true,
        description = {
                "Build the zTOC of a layer blob (gzip or uncompressed tar, told apart by its first bytes).",
                "zstd and other formats are refused. Writes LAYER.ztoc unless -o is given."})
public final class ZtocBuildCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "LAYER", description = "The layer blob (.tar.gz or .tar).")
    Path layer;

    @Option(names = "--span-size", paramLabel = "BYTES", defaultValue = "4194304",
            description = "Uncompressed bytes between checkpoints (default: ${DEFAULT-VALUE}, 4 MiB, as the reference).")
    long spanSize;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Where to write the zTOC (default: LAYER.ztoc).")
    Path output;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    record BuildResult(String layer, String ztoc, String digest, long size, long spanSize, int numSpans,
                       int numFiles, long compressedSize, long uncompressedSize, long millis) {
    }

    @Override
    public Integer call() throws Exception {
        if (spanSize <= 0) throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "--span-size must be positive, got " + spanSize);
        if (Files.isDirectory(layer))
            throw new UserError(ExitCode.INVALID_INPUT, layer + " is a directory, not a layer blob");
        Path out = output != null ? output : layer.resolveSibling(layer.getFileName() + ".ztoc");
        Path dir = out.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) throw new UserError(ExitCode.NOT_FOUND, "no such directory: " + dir + " (for " + out + ")");
        long start = System.nanoTime();
        Ztoc ztoc = new ZtocBuilder(spanSize).build(layer);
        // the encoder's own buffer, written and hashed in place: a large zTOC is held once, not twice
        ByteBuffer bytes = ZtocCodec.encodeBuffer(ztoc);
        long size = bytes.remaining();
        Path tmp = Files.createTempFile(dir, ".ztoc-", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer toWrite = bytes.duplicate();
                while (toWrite.hasRemaining()) channel.write(toWrite);
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(bytes.duplicate());
        String digest = "sha256:" + HexFormat.of().formatHex(sha256.digest());
        var result = new BuildResult(layer.toString(), out.toString(), digest, size, spanSize,
                ztoc.numSpans(), ztoc.files().size(), ztoc.compressedArchiveSize(),
                ztoc.uncompressedArchiveSize(), took.toMillis());
        var stdout = spec.commandLine().getOut();
        if (json) {
            Json.print(stdout, result);
        } else {
            new Table("FIELD", "VALUE")
                    .row("ztoc", out)
                    .row("digest", digest)
                    .row("size", Sizes.bytes(size))
                    .row("files", ztoc.files().size())
                    .row("spans", ztoc.numSpans() + " of " + Sizes.bytes(spanSize))
                    .row("layer", Sizes.bytes(ztoc.compressedArchiveSize()) + " ("
                            + ztoc.compressionInfo().algorithm().name().toLowerCase() + ")")
                    .row("uncompressed", Sizes.bytes(ztoc.uncompressedArchiveSize()))
                    .row("time", Sizes.duration(took))
                    .print(stdout);
        }
        return 0;
    }
}
