package dev.soci4j.cli.command;

import dev.soci4j.cli.ExitCode;
import dev.soci4j.cli.UserError;
import dev.soci4j.index.store.ArtifactRecord;
import dev.soci4j.index.store.ArtifactType;
import dev.soci4j.index.store.IndexStore;
import dev.soci4j.oci.Digest;
import dev.soci4j.ztoc.InvalidZtocException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Reads zTOCs named on the command line: a file, read with a size bound so a huge or wrong file is
 * refused before it fills the heap, or a digest of the local store.
 */
final class ZtocFiles {
    /** Far above any real zTOC (a 10 GB layer at 4 MiB spans has ~80 MiB of checkpoints). */
    static final long MAX_ZTOC_BYTES = 1L << 30;
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    private ZtocFiles() {
    }

    /** zTOC bytes and how to name them in messages (the path, or the digest and store). */
    record Loaded(byte[] bytes, String name) {
    }

    /**
     * {@code ZTOC} as the commands take it: a digest ({@code sha256:<64 hex>}) is looked up in the
     * local store, unless a file of that name exists; anything else is a file path.
     */
    static Loaded load(String argument, StoreOptions store) throws IOException {
        if (DIGEST.matcher(argument).matches() && !Files.exists(Path.of(argument))) {
            IndexStore open = store.open();
            Digest digest = Digest.parse(argument);
            ArtifactRecord record = open.get(digest).orElseThrow(() -> new UserError(ExitCode.NOT_FOUND,
                    "no zTOC %s in the local store %s (soci ztoc list shows them)".formatted(digest, open.root())));
            if (record.type() != ArtifactType.ZTOC)
                throw new UserError(ExitCode.INVALID_INPUT, "%s is an index, not a zTOC (see soci index info)".formatted(digest));
            return new Loaded(open.readBlob(digest), "zTOC " + digest);
        }
        Path file = Path.of(argument);
        return new Loaded(read(file), file.toString());
    }

    static byte[] read(Path file) throws IOException {
        long size;
        try (FileChannel ch = FileChannel.open(file)) {
            size = ch.size();
        }
        if (size > MAX_ZTOC_BYTES)
            throw new InvalidZtocException("%s is %d bytes, more than any zTOC can be (limit %d)"
                    .formatted(file, size, MAX_ZTOC_BYTES));
        if (Files.isDirectory(file)) throw new InvalidZtocException(file + " is a directory, not a zTOC");
        return Files.readAllBytes(file);
    }
}
