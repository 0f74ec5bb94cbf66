package dev.soci4j.cli.command;

import dev.soci4j.cli.output.Json;
import dev.soci4j.cli.output.ProgressBars;
import dev.soci4j.index.BuildOptions;
import dev.soci4j.index.ImageLocation;
import dev.soci4j.index.PlatformIndex;
import dev.soci4j.index.PlatformSelection;
import dev.soci4j.index.SociIndexV1;
import dev.soci4j.oci.RegistryClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code soci create REF}: SOCI index v1 into the local store; {@code soci push} uploads it. */
@Command(name = "create",
        mixinStandardHelpOptions = true,
        description = {"Create SOCI index v1 (one per platform, with the image manifest as subject) in the local store.",
                "The image is not changed; `soci push REF` uploads the indexes. REF is a registry reference, "
                        + "oci:DIR[:TAG] or oci-archive:FILE[:TAG]."})
public final class CreateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REF", description = "The image to index.")
    String image;

    @Mixin
    BuildFlags build;

    @Mixin
    RegistryOptions registry;

    @Mixin
    StoreOptions store;

    @Mixin
    ProgressOptions progress;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    record Result(String image, String root, List<BuildReport.PlatformJson> platforms) {
    }

    @Override
    public Integer call() throws Exception {
        ImageLocation location = registry.location(image, "REF");
        PlatformSelection platforms = build.platforms();
        BuildOptions options = build.options();
        List<PlatformIndex> created;
        ProgressBars bars = progress.bars();
        try (RegistryClient client = registry.client(List.of(location))) {
            created = new SociIndexV1(client, store.open(), ProgressOptions.orNone(bars)).create(location, platforms, options);
        } finally {
            if (bars != null) bars.close();
        }
        var out = spec.commandLine().getOut();
        if (json) {
            Json.print(out, new Result(location.toString(), store.root().toAbsolutePath().toString(), BuildReport.json(created)));
            return 0;
        }
        BuildReport.print(out, created);
        out.println();
        out.println("stored in " + store.root().toAbsolutePath() + "; upload with: soci push " + location);
        out.flush();
        return 0;
    }
}
