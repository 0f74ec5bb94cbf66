package dev.soci4j.index;

import dev.soci4j.oci.Platform;
import java.util.List;

/**
 * Which platforms of an image to index ({@code --platform}, repeatable; {@code --all-platforms}).
 * Empty and not all means the host platform, as the reference does. Immutable.
 */
public record PlatformSelection(List<Platform> platforms, boolean all) {
    public PlatformSelection {
        platforms = platforms == null ? List.of() : List.copyOf(platforms);
        if (all && !platforms.isEmpty()) throw new IllegalArgumentException("give platforms or all platforms, not both");
    }

    public static final PlatformSelection ALL = new PlatformSelection(List.of(), true);

    /** The host platform only (linux/amd64 on the usual build host). */
    public static PlatformSelection host() {
        return new PlatformSelection(List.of(), false);
    }

    public static PlatformSelection of(Platform... platforms) {
        return new PlatformSelection(List.of(platforms), false);
    }

    /** The platforms asked for, the host's when none were given (empty when all). */
    public List<Platform> wanted() {
        return all ? List.of() : platforms.isEmpty() ? List.of(Platform.current()) : platforms;
    }

    /** Whether an image for {@code candidate} is wanted. Entries without a real platform (attestations: unknown/unknown) never are. */
    public boolean matches(Platform candidate) {
        if (candidate == null || "unknown".equals(candidate.os()) || "unknown".equals(candidate.architecture())) return false;
        if (all) return true;
        return wanted().stream().anyMatch(w -> w.matches(candidate));
    }

    @Override
    public String toString() {
        return all ? "all platforms" : wanted().stream().map(Platform::toString).collect(java.util.stream.Collectors.joining(", "));
    }
}
