package dev.soci4j.cli.command;

import dev.soci4j.cli.output.Json;
import dev.soci4j.cli.output.Sizes;
import dev.soci4j.cli.output.Table;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.SpanTable;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.ZtocCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code soci ztoc info ZTOC}: the fields of the reference's {@code ztoc info}, as a table or JSON. */
@Command(name = "info",
        mixinStandardHelpOptions = true,
        description = {"Show a zTOC: version, build tool, spans and every file with the spans it lies in.",
                "The zTOC is validated first; a corrupt one is reported, not shown."})
public final class ZtocInfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ZTOC", description = "A zTOC file, or the digest (sha256:...) of a zTOC in the local store.")
    String ztocArg;

    @Mixin
    StoreOptions store;

    @Option(names = "--json", description = "Print the fields of the reference's `soci ztoc info` as JSON.")
    boolean json;

    /** The reference's JSON shape ({@code cmd/soci/commands/ztoc/info.go}). */
    record Info(String version, String buildTool, long size, long spanSize, int numSpans, int numFiles,
                int numMultiSpanFiles, List<FileInfo> files) {
    }

    record FileInfo(String filename, long offset, long size, String type, int startSpan, int endSpan) {
    }

    @Override
    public Integer call() throws Exception {
        byte[] bytes = ZtocFiles.load(ztocArg, store).bytes();
        Ztoc ztoc = ZtocCodec.decode(bytes);
        SpanTable spans = SpanTable.of(ztoc);
        List<FileInfo> files = new ArrayList<>(ztoc.files().size());
        int multiSpan = 0;
        for (FileMetadata f : ztoc.files()) {
            // as the reference: the end span is the one holding offset + size
            int start = spans.spanOf(f.uncompressedOffset());
            int end = spans.spanOf(f.uncompressedEnd());
            if (start != end) multiSpan++;
            files.add(new FileInfo(f.name(), f.uncompressedOffset(), f.uncompressedSize(), f.type().wireName(), start, end));
        }
        Info info = new Info(ztoc.version(), ztoc.buildToolIdentifier(), bytes.length, spans.spanSizeBytes(),
                spans.count(), files.size(), multiSpan, files);
        var out = spec.commandLine().getOut();
        if (json) {
            Json.print(out, info);
            return 0;
        }
        new Table("FIELD", "VALUE")
                .row("version", info.version())
                .row("build tool", info.buildTool())
                .row("size", Sizes.bytes(info.size()))
                .row("compression", ztoc.compressionInfo().algorithm().name().toLowerCase())
                .row("layer", Sizes.bytes(ztoc.compressedArchiveSize()) + " compressed, "
                        + Sizes.bytes(ztoc.uncompressedArchiveSize()) + " uncompressed")
                .row("span size", Sizes.bytes(info.spanSize()))
                .row("spans", info.numSpans())
                .row("files", info.numFiles())
                .row("multi-span files", info.numMultiSpanFiles())
                .print(out);
        out.println();
        Table table = new Table("TYPE", "OFFSET>", "SIZE>", "SPANS", "NAME");
        for (FileInfo f : files) {
            String span = f.startSpan() == f.endSpan() ? String.valueOf(f.startSpan()) : f.startSpan() + "-" + f.endSpan();
            table.row(f.type(), f.offset(), f.size(), span, f.filename());
        }
        table.print(out);
        return 0;
    }
}
