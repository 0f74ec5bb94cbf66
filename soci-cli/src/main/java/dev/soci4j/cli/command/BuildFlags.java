package dev.soci4j.cli.command;

import dev.soci4j.index.BuildOptions;
import dev.soci4j.index.PlatformSelection;
import dev.soci4j.oci.Platform;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The index build flags of {@code soci convert} and {@code soci create}, as the reference CLI names them. */
public final class BuildFlags {
    /** The only optimization the reference knows. */
    static final String XATTR = "xattr";

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
            description = "Index this platform of a multi-platform image; repeatable (default: the host's, "
                    + "linux/amd64 on most machines).")
    List<String> platforms = new ArrayList<>();

    @Option(names = "--all-platforms", description = "Index every platform of the image.")
    boolean allPlatforms;

    @Option(names = "--span-size", paramLabel = "BYTES", defaultValue = "4MiB", converter = ByteSizeConverter.class,
            description = "Uncompressed bytes between zTOC checkpoints (default: ${DEFAULT-VALUE}, as the reference).")
    long spanSize;

    @Option(names = "--min-layer-size", paramLabel = "BYTES", defaultValue = "10MiB", converter = ByteSizeConverter.class,
            description = "Layers smaller than this (compressed, as the manifest says) get no zTOC and are pulled whole (default: ${DEFAULT-VALUE}).")
    long minLayerSize;

    @Option(names = "--optimizations", paramLabel = "NAME", split = ",",
            description = "Optimizations to apply: xattr (mark layers without xattrs or opaque whiteouts, so runtimes skip xattr lookups).")
    List<String> optimizations = new ArrayList<>();

    @Option(names = {"-f", "--force"}, description = "Rebuild every zTOC, even those the local store already has for the layer and span size.")
    boolean force;

    BuildOptions options() {
        for (String o : optimizations)
            if (!XATTR.equals(o)) throw new ParameterException(spec.commandLine(), "unknown optimization '%s' (known: %s)".formatted(o, XATTR));
        if (spanSize <= 0) throw new ParameterException(spec.commandLine(), "--span-size must be positive, got " + spanSize);
        return BuildOptions.DEFAULT.withSpanSize(spanSize).withMinLayerSize(minLayerSize)
                .withOptimizeXattrs(optimizations.contains(XATTR)).withForce(force);
    }

    PlatformSelection platforms() {
        return platformSelection(spec, platforms, allPlatforms);
    }

    /** {@code --platform}/{@code --all-platforms} as a selection; shared with {@code soci push}. */
    static PlatformSelection platformSelection(CommandSpec spec, List<String> platforms, boolean all) {
        if (all && !platforms.isEmpty())
            throw new ParameterException(spec.commandLine(), "--platform and --all-platforms exclude each other");
        if (all) return PlatformSelection.ALL;
        List<Platform> parsed = new ArrayList<>();
        for (String p : platforms) {
            try {
                parsed.add(Platform.parse(p));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "bad --platform '%s': %s".formatted(p, e.getMessage()));
            }
        }
        return new PlatformSelection(parsed, false);
    }
}
