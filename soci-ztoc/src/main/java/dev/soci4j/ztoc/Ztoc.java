package dev.soci4j.ztoc;

import java.util.List;
import java.util.Objects;

/**
 * A layer's zTOC: the tar table of contents plus the compression info that makes each span readable
 * on its own ({@code soci-format.md §1}). Immutable; produced by {@link ZtocBuilder} or decoded with
 * {@link ZtocCodec}.
 *
 * @param files entries in tar order
 */
public record Ztoc(String version, String buildToolIdentifier, long compressedArchiveSize,
                   long uncompressedArchiveSize, List<FileMetadata> files, CompressionInfo compressionInfo) {
    /** The zTOC format version this project writes. */
    public static final String VERSION = "0.9";
    /** The build tool identifier the reference writes; kept so runtimes treat our zTOCs as theirs. */
    public static final String BUILD_TOOL_IDENTIFIER = "AWS SOCI CLI v0.2";

    public Ztoc {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(buildToolIdentifier, "buildToolIdentifier");
        Objects.requireNonNull(compressionInfo, "compressionInfo");
        files = List.copyOf(files);
    }

    /** Number of spans (checkpoints) of the layer. */
    public int numSpans() {
        return compressionInfo.maxSpanId() + 1;
    }
}
