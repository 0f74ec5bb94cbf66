package dev.soci4j.cli.command;

import dev.soci4j.cli.ExitCode;
import dev.soci4j.cli.UserError;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.LayerReader;
import dev.soci4j.ztoc.RangeSource;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.ZtocCodec;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code soci ztoc get-file --layer LAYER ZTOC PATH}: one file's bytes, read through the zTOC from
 * only the spans that hold it, each verified against its digest. Hardlinks are followed; the entry's
 * name never decides where output goes.
 */
@Command(name = "get-file",
        mixinStandardHelpOptions = true,
        description = {"Extract one file of a layer through its zTOC, reading only the spans that hold it.",
                "Hardlinks are followed. Writes to stdout unless -o is given."})
public final class ZtocGetFileCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-l", "--layer"}, required = true, paramLabel = "LAYER", description = "The layer blob the zTOC describes.")
    Path layer;

    @Parameters(index = "0", paramLabel = "ZTOC", description = "The layer's zTOC file.")
    Path ztocFile;

    @Parameters(index = "1", paramLabel = "PATH", description = "The file's path in the layer (as `soci ztoc info` lists it).")
    String path;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Write the file here instead of stdout.")
    Path output;

    @Override
    public Integer call() throws Exception {
        Ztoc ztoc = ZtocCodec.decode(ZtocFiles.read(ztocFile));
        try (RangeSource source = RangeSource.ofFile(layer);
             LayerReader reader = new LayerReader(ztoc, source)) {
            FileMetadata entry = reader.lookup(path)
                    .orElseThrow(() -> new UserError(ExitCode.NOT_FOUND, "no file " + path + " in " + ztocFile));
            FileMetadata target = reader.resolveHardlinks(entry);
            switch (target.type()) {
                case REG -> { }
                case SYMLINK -> throw new UserError(ExitCode.INVALID_INPUT,
                        "%s is a symlink to %s; symlinks are not followed".formatted(path, target.linkname()));
                default -> throw new UserError(ExitCode.INVALID_INPUT,
                        "%s is a %s, not a regular file".formatted(path, target.type().wireName()));
            }
            if (output == null) {
                OutputStream stdout = System.out;
                try (InputStream in = reader.openFile(target)) {
                    in.transferTo(stdout);
                }
                stdout.flush();
            } else {
                Path dir = output.toAbsolutePath().getParent();
                Path tmp = Files.createTempFile(dir, ".get-file-", ".tmp");
                try {
                    try (InputStream in = reader.openFile(target)) {
                        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    }
                    Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        }
        return 0;
    }
}
