package dev.soci4j.cli.command;

import dev.soci4j.ztoc.InvalidZtocException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads zTOC files with a size bound, so a huge or wrong file is refused before it fills the heap. */
final class ZtocFiles {
    /** Far above any real zTOC (a 10 GB layer at 4 MiB spans has ~80 MiB of checkpoints). */
    static final long MAX_ZTOC_BYTES = 1L << 30;

    private ZtocFiles() {
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
