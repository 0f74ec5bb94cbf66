package dev.soci4j.cli.command;

import dev.soci4j.cli.ExitCode;
import dev.soci4j.cli.UserError;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.LayerReader;
import dev.soci4j.ztoc.RangeSource;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.ZtocCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code soci ztoc get-file --layer LAYER ZTOC PATH}: one file's bytes, read through the zTOC from
 * only the spans that hold it, each verified against its digest. Hardlinks are followed; the entry's
 * name never decides where output goes. All or nothing: the file is written to a temporary file first
 * and only moved to {@code -o} or copied to stdout once every span of it has been verified, so a
 * failure leaves no partial output.
 */
@Command(name = "get-file",
        mixinStandardHelpOptions = true,
        description = {"Extract one file of a layer through its zTOC, reading only the spans that hold it.",
                "ZTOC is a file or a zTOC digest of the local store. Hardlinks are followed. Writes to stdout "
                        + "unless -o is given; nothing is written unless every span of the file passes its digest check."})
public final class ZtocGetFileCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-l", "--layer"}, required = true, paramLabel = "LAYER", description = "The layer blob the zTOC describes.")
    Path layer;

    @Parameters(index = "0", paramLabel = "ZTOC", description = "The layer's zTOC: a file, or a digest (sha256:...) of the local store.")
    String ztocArg;

    @Mixin
    StoreOptions store;

    /** The zTOC as messages name it. */
    private String ztocName;

    @Parameters(index = "1", paramLabel = "PATH", description = "The file's path in the layer (as `soci ztoc info` lists it).")
    String path;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Write the file here instead of stdout.")
    Path output;

    /** Where file bytes go without {@code -o}: the process's stdout, as bytes (picocli's writer is for text). */
    private final OutputStream stdout;

    public ZtocGetFileCommand(OutputStream stdout) {
        this.stdout = stdout;
    }

    public ZtocGetFileCommand() {
        this(System.out);
    }

    @Override
    public Integer call() throws Exception {
        ZtocFiles.Loaded loaded = ZtocFiles.load(ztocArg, store);
        ztocName = loaded.name();
        Ztoc ztoc = ZtocCodec.decode(loaded.bytes());
        checkLayer(ztoc);
        Path dir = output == null ? null : output.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir))
            throw new UserError(ExitCode.NOT_FOUND, "no such directory: " + dir + " (for -o " + output + ")");
        try (RangeSource source = RangeSource.ofFile(layer);
             LayerReader reader = new LayerReader(ztoc, source)) {
            FileMetadata entry = reader.lookup(path)
                    .orElseThrow(() -> new UserError(ExitCode.NOT_FOUND, "no file " + path + " in " + ztocName));
            FileMetadata target = reader.resolveHardlinks(entry);
            switch (target.type()) {
                case REG -> { }
                case SYMLINK -> throw new UserError(ExitCode.INVALID_INPUT,
                        "%s is a symlink to %s; symlinks are not followed".formatted(path, target.linkname()));
                default -> throw new UserError(ExitCode.INVALID_INPUT,
                        "%s is a %s, not a regular file".formatted(path, target.type().wireName()));
            }
            Path tmp = dir != null ? Files.createTempFile(dir, ".get-file-", ".tmp")
                    : Files.createTempFile("soci-get-file-", ".tmp");
            try {
                try (InputStream in = reader.openFile(target)) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                if (output != null) {
                    Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } else {
                    Files.copy(tmp, stdout);
                    stdout.flush();
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        return 0;
    }

    /**
     * A directory or a blob shorter than the zTOC's layer is not that layer: say so before reading (a
     * wrong blob of sufficient size fails the span digests instead).
     */
    private void checkLayer(Ztoc ztoc) throws IOException {
        if (Files.isDirectory(layer)) throw new UserError(ExitCode.INVALID_INPUT, layer + " is a directory, not a layer blob");
        long size = Files.size(layer);
        if (size < ztoc.compressedArchiveSize())
            throw new UserError(ExitCode.INVALID_INPUT,
                    "%s is %d bytes, shorter than the %d-byte layer %s describes: not its layer"
                            .formatted(layer, size, ztoc.compressedArchiveSize(), ztocName));
    }
}
