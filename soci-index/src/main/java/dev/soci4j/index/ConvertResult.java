package dev.soci4j.index;

import dev.soci4j.oci.Descriptor;
import java.util.List;

/**
 * What {@code soci convert} produced.
 *
 * @param index       the new image index (OCI), as pushed under {@code destination}
 * @param destination where it went, with its tag
 * @param platforms   one entry per indexed platform, in index order
 */
public record ConvertResult(Descriptor index, String destination, List<PlatformIndex> platforms) {
    public ConvertResult {
        platforms = List.copyOf(platforms);
    }
}
