package dev.soci4j.cli.command;

import dev.soci4j.cli.output.Json;
import dev.soci4j.cli.output.Table;
import dev.soci4j.index.ExistingIndexPolicy;
import dev.soci4j.index.ImageLocation;
import dev.soci4j.index.PlatformSelection;
import dev.soci4j.index.SociIndexV1;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.RegistryClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code soci push REF}: uploads the v1 indexes {@code soci create} stored, with their zTOCs. */
@Command(name = "push",
        mixinStandardHelpOptions = true,
        description = {"Push the SOCI index v1 of each selected platform from the local store to the image's repository.",
                "zTOCs go first, the index manifest last; registries without the referrers API find it "
                        + "through the sha256-<digest> fallback tag."})
public final class PushCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REF", description = "The image, as a registry reference (as given to `soci create`).")
    String image;

    @Option(names = "--existing-index", paramLabel = "POLICY", defaultValue = "warn",
            description = "When the registry already has a SOCI index v1 for the image: warn (push anyway, with a warning), "
                    + "skip (do not push) or allow (push without checking). Default: ${DEFAULT-VALUE}.")
    String existingIndex;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
            description = "Push the index of this platform; repeatable (default: the host's).")
    List<String> platforms = new ArrayList<>();

    @Option(names = "--all-platforms", description = "Push the indexes of every platform of the image.")
    boolean allPlatforms;

    @Mixin
    RegistryOptions registry;

    @Mixin
    StoreOptions store;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    record PlatformResult(String platform, String imageManifest, String sociIndex, String result, List<String> existing) {
    }

    record Result(String image, List<PlatformResult> platforms) {
    }

    @Override
    public Integer call() throws Exception {
        if (!(registry.location(image, "REF") instanceof ImageLocation.Registry location))
            throw new ParameterException(spec.commandLine(), "soci push needs a registry reference, not " + image);
        ExistingIndexPolicy policy = policy();
        PlatformSelection selection = BuildFlags.platformSelection(spec, platforms, allPlatforms);
        List<SociIndexV1.Pushed> pushed;
        try (RegistryClient client = registry.client(List.of(location))) {
            pushed = new SociIndexV1(client, store.open(), null).push(location.reference(), selection, policy);
        }
        List<PlatformResult> results = pushed.stream().map(p -> new PlatformResult(p.platform(), p.imageManifest().digest().toString(),
                p.index().digest().toString(), p.outcome().name().toLowerCase(Locale.ROOT),
                p.existing().stream().map(Descriptor::digest).map(Object::toString).toList())).toList();
        var out = spec.commandLine().getOut();
        if (json) {
            Json.print(out, new Result(location.toString(), results));
            return 0;
        }
        Table table = new Table("PLATFORM", "SOCI INDEX", "RESULT");
        for (SociIndexV1.Pushed p : pushed) {
            String what = switch (p.outcome()) {
                case PUSHED -> "pushed";
                case PUSHED_DESPITE_EXISTING -> "pushed (the registry already had %d other index(es))".formatted(p.existing().size());
                case SKIPPED_EXISTING -> "skipped: the registry already has an index";
            };
            table.row(p.platform(), p.index().digest(), what);
        }
        table.print(out);
        return 0;
    }

    private ExistingIndexPolicy policy() {
        try {
            return ExistingIndexPolicy.valueOf(existingIndex.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(),
                    "--existing-index must be warn, skip or allow, not '%s'".formatted(existingIndex));
        }
    }
}
