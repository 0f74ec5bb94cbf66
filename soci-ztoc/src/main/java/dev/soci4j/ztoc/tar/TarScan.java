package dev.soci4j.ztoc.tar;

import dev.soci4j.ztoc.FileMetadata;
import java.util.List;

/**
 * The result of scanning a tar stream. Immutable.
 *
 * @param entries     one per tar entry, in tar order ({@code soci-format.md §1})
 * @param archiveSize the uncompressed archive size: the stream position just after the end-of-archive
 *                    zero blocks (after the one zero block when the stream ends there, or the stream
 *                    length when it ends at a header boundary without them)
 */
public record TarScan(List<FileMetadata> entries, long archiveSize) {
    public TarScan {
        entries = List.copyOf(entries);
        if (archiveSize < 0) throw new IllegalArgumentException("negative archive size " + archiveSize);
    }
}
