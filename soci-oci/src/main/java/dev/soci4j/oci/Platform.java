package dev.soci4j.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An image platform (image-spec image-index.md "platform"). Immutable. Matching normalizes as
 * containerd's platforms package does: {@code aarch64}→{@code arm64} (variant {@code v8} implied),
 * {@code x86_64}→{@code amd64}, {@code arm} without variant means {@code v7}.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Platform(
        String architecture,
        String os,
        @JsonProperty("os.version") String osVersion,
        @JsonProperty("os.features") List<String> osFeatures,
        String variant) {

    public Platform {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(os, "os");
        osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
    }

    public Platform(String os, String architecture, String variant) {
        this(architecture, os, null, List.of(), variant);
    }

    /** Parses {@code os/arch[/variant]}, e.g. {@code linux/arm64/v8}. */
    public static Platform parse(String text) {
        String[] parts = text.split("/", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty())
            throw new IllegalArgumentException("platform must be os/arch[/variant]: " + text);
        return new Platform(parts[0], parts[1], parts.length == 3 && !parts[2].isEmpty() ? parts[2] : null);
    }

    /** The platform of this JVM's host, normalized. */
    public static Platform current() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("windows") ? "windows"
                : System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("mac") ? "darwin" : "linux";
        return new Platform(os, System.getProperty("os.arch"), null).normalized();
    }

    /** This platform with architecture and variant in canonical form. */
    public Platform normalized() {
        String arch = architecture.toLowerCase(Locale.ROOT);
        String v = variant == null ? null : variant.toLowerCase(Locale.ROOT);
        switch (arch) {
            case "x86_64", "x86-64", "amd64" -> { arch = "amd64"; if ("v1".equals(v)) v = null; }
            case "aarch64", "arm64" -> { arch = "arm64"; if (v == null || "8".equals(v)) v = "v8"; }
            case "i386", "i686", "386" -> arch = "386";
            case "armhf" -> { arch = "arm"; v = "v7"; }
            case "armel" -> { arch = "arm"; v = "v6"; }
            case "arm" -> { if (v == null || "7".equals(v)) v = "v7"; else if (!v.startsWith("v")) v = "v" + v; }
            default -> { }
        }
        return new Platform(arch, os.toLowerCase(Locale.ROOT), osVersion, osFeatures, v);
    }

    /** Whether an image for {@code candidate} runs where this platform is wanted (exact after normalization). */
    public boolean matches(Platform candidate) {
        Platform want = normalized();
        Platform have = candidate.normalized();
        return want.os.equals(have.os)
                && want.architecture.equals(have.architecture)
                && Objects.equals(want.variant, have.variant)
                && (want.osVersion == null || want.osVersion.equals(have.osVersion));
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
