package dev.soci4j.cli.command;

import dev.soci4j.cli.output.Json;
import dev.soci4j.cli.output.ProgressBars;
import dev.soci4j.index.ConvertRequest;
import dev.soci4j.index.ConvertResult;
import dev.soci4j.index.ImageLocation;
import dev.soci4j.index.SociConverter;
import dev.soci4j.oci.RegistryClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code soci convert SRC DST}: SOCI index v2 ({@code soci-format.md §4}). */
@Command(name = "convert",
        mixinStandardHelpOptions = true,
        description = {"Convert an image to SOCI index v2: index its layers and write the image, with its SOCI indexes, to DST.",
                "SRC and DST are registry references (registry/repo:tag, docker://...), oci:DIR[:TAG] or "
                        + "oci-archive:FILE[:TAG]. Blobs go first and the tagged image index last, so DST never shows a "
                        + "manifest whose blobs are missing; nothing is written to DST when indexing fails. "
                        + "zTOCs are also kept in the local store (--root) and reused for the same layer and span size."})
public final class ConvertCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SRC", description = "The image to convert.")
    String source;

    @Parameters(index = "1", paramLabel = "DST", description = "Where the converted image goes (needs a tag; may be SRC itself).")
    String destination;

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

    record Result(String source, String destination, String indexDigest, String indexMediaType, long indexSize,
                  List<BuildReport.PlatformJson> platforms) {
    }

    @Override
    public Integer call() throws Exception {
        ImageLocation src = registry.location(source, "SRC");
        ImageLocation dst = registry.location(destination, "DST");
        ConvertRequest request;
        try {
            request = new ConvertRequest(src, dst, build.platforms(), build.options());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ConvertResult result;
        ProgressBars bars = progress.bars();
        try (RegistryClient client = registry.client(List.of(src, dst))) {
            result = new SociConverter(client, store.open(), ProgressOptions.orNone(bars)).convert(request);
        } finally {
            if (bars != null) bars.close();
        }
        var out = spec.commandLine().getOut();
        if (json) {
            Json.print(out, new Result(src.toString(), result.destination(), result.index().digest().toString(),
                    result.index().mediaType(), result.index().size(), BuildReport.json(result.platforms())));
            return 0;
        }
        BuildReport.print(out, result.platforms());
        out.println();
        out.println("image index " + result.index().digest() + " written to " + result.destination());
        out.flush();
        return 0;
    }
}
