package dev.soci4j.cli.command;

import dev.soci4j.cli.output.Json;
import dev.soci4j.cli.output.Sizes;
import dev.soci4j.cli.output.Table;
import dev.soci4j.index.store.ArtifactRecord;
import dev.soci4j.index.store.ArtifactType;
import dev.soci4j.oci.Digest;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code soci ztoc list}: the zTOC records of the local store, newest first. */
@Command(name = "list",
        aliases = "ls",
        mixinStandardHelpOptions = true,
        description = "List the zTOCs of the local store, newest first.")
public final class ZtocListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Option(names = "--ref", paramLabel = "IMAGE", description = "Only zTOCs first built for this image.")
    String ref;

    @Option(names = "--layer-digest", paramLabel = "DIGEST", description = "Only zTOCs of this layer.")
    String layerDigest;

    @Option(names = "--json", description = "Print the list as JSON.")
    boolean json;

    record ZtocJson(String digest, long size, String layerDigest, String layerMediaType, long spanSize, String image, String created) {
        static ZtocJson of(ArtifactRecord r) {
            return new ZtocJson(r.digest().toString(), r.size(), r.layerDigest().toString(), r.layerMediaType(), r.spanSizeBytes(),
                    r.imageRef(), r.created().truncatedTo(ChronoUnit.SECONDS).toString());
        }
    }

    @Override
    public Integer call() throws Exception {
        Digest layer = layerDigest == null ? null : store.digest(layerDigest, "--layer-digest");
        List<ZtocJson> ztocs = store.open().list(ArtifactType.ZTOC).stream()
                .filter(r -> ref == null || ref.equals(r.imageRef()))
                .filter(r -> layer == null || layer.equals(r.layerDigest()))
                .map(ZtocJson::of).toList();
        var out = spec.commandLine().getOut();
        if (json) {
            Json.print(out, ztocs);
            return 0;
        }
        Table table = new Table("DIGEST", "SIZE>", "LAYER DIGEST", "SPAN SIZE>", "IMAGE", "CREATED");
        for (ZtocJson z : ztocs)
            table.row(z.digest(), Sizes.bytes(z.size()), z.layerDigest(), Sizes.bytes(z.spanSize()), IndexListCommand.dash(z.image()), z.created());
        table.print(out);
        return 0;
    }
}
