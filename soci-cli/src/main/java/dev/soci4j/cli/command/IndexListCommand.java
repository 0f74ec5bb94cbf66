package dev.soci4j.cli.command;

import dev.soci4j.cli.output.Json;
import dev.soci4j.cli.output.Sizes;
import dev.soci4j.cli.output.Table;
import dev.soci4j.index.SociVersion;
import dev.soci4j.index.store.ArtifactRecord;
import dev.soci4j.index.store.ArtifactType;
import dev.soci4j.oci.Platform;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code soci index list}: the index records of the local store, newest first. */
@Command(name = "list",
        aliases = "ls",
        mixinStandardHelpOptions = true,
        description = "List the SOCI indexes of the local store, newest first.")
public final class IndexListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Option(names = "--ref", paramLabel = "IMAGE", description = "Only indexes built for this image (as it was named to soci create or as soci convert's DST).")
    String ref;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "Only indexes of this platform.")
    String platform;

    @Option(names = "--json", description = "Print the list as JSON.")
    boolean json;

    record IndexJson(String digest, String version, String artifactType, String image, String platform,
                     String manifestDigest, long size, String created) {
        static IndexJson of(ArtifactRecord r) {
            String version = SociVersion.ofArtifactType(r.mediaType()).map(v -> v.name().toLowerCase(Locale.ROOT)).orElse("?");
            return new IndexJson(r.digest().toString(), version, r.mediaType(), r.imageRef(), r.platform(),
                    r.manifestDigest() == null ? null : r.manifestDigest().toString(), r.size(),
                    r.created().truncatedTo(ChronoUnit.SECONDS).toString());
        }
    }

    @Override
    public Integer call() throws Exception {
        Platform wanted = null;
        if (platform != null) {
            try {
                wanted = Platform.parse(platform).normalized();
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "bad --platform '%s': %s".formatted(platform, e.getMessage()));
            }
        }
        List<IndexJson> indexes = store.open().list(ArtifactType.INDEX).stream()
                .filter(r -> ref == null || ref.equals(r.imageRef()))
                .filter(matches(wanted))
                .map(IndexJson::of).toList();
        var out = spec.commandLine().getOut();
        if (json) {
            Json.print(out, indexes);
            return 0;
        }
        Table table = new Table("DIGEST", "VERSION", "IMAGE", "PLATFORM", "SIZE>", "CREATED");
        for (IndexJson i : indexes)
            table.row(i.digest(), i.version(), dash(i.image()), dash(i.platform()), Sizes.bytes(i.size()), i.created());
        table.print(out);
        return 0;
    }

    private static java.util.function.Predicate<ArtifactRecord> matches(Platform wanted) {
        return r -> {
            if (wanted == null) return true;
            if (r.platform() == null) return false;
            try {
                return Platform.parse(r.platform()).normalized().equals(wanted);
            } catch (IllegalArgumentException e) {
                return false;
            }
        };
    }

    static String dash(String s) {
        return s == null ? "-" : s;
    }
}
