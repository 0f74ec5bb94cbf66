package dev.soci4j.index;

import java.util.Objects;

/**
 * A {@code soci convert SRC DST} (SOCI index v2). Immutable.
 *
 * @param source      the image to index
 * @param destination where the converted image goes, tagged (may equal the source's repository)
 */
public record ConvertRequest(ImageLocation source, ImageLocation destination, PlatformSelection platforms, BuildOptions build) {
    public ConvertRequest {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        platforms = platforms == null ? PlatformSelection.host() : platforms;
        build = build == null ? BuildOptions.DEFAULT : build;
        destination.destinationTag(); // rejects a digest-only destination up front
    }

    public static ConvertRequest of(String source, String destination) {
        return new ConvertRequest(ImageLocation.parse(source), ImageLocation.parse(destination), PlatformSelection.host(), BuildOptions.DEFAULT);
    }

    public ConvertRequest withPlatforms(PlatformSelection p) { return new ConvertRequest(source, destination, p, build); }
    public ConvertRequest withBuild(BuildOptions b) { return new ConvertRequest(source, destination, platforms, b); }
}
