package dev.soci4j.cli.command;

import dev.soci4j.cli.output.Sizes;
import dev.soci4j.cli.output.Table;
import dev.soci4j.index.LayerOutcome;
import dev.soci4j.index.PlatformIndex;
import java.io.PrintWriter;
import java.util.List;

/** How {@code soci convert} and {@code soci create} show the indexes they built: per platform, then per layer. */
final class BuildReport {
    private BuildReport() {
    }

    /** One layer as {@code --json} shows it; zTOC fields are null for a skipped layer, {@code reason} null for an indexed one. */
    record LayerJson(String digest, String mediaType, long size, String status, String ztoc, Long ztocSize, Long spanSize,
                     String reason) {
        static LayerJson of(LayerOutcome outcome) {
            var layer = outcome.layer();
            return switch (outcome) {
                case LayerOutcome.Indexed x -> new LayerJson(layer.digest().toString(), layer.mediaType(), layer.size(),
                        x.reused() ? "reused" : "indexed", x.ztoc().ztoc().toString(), x.ztoc().ztocSize(), x.ztoc().spanSizeBytes(), null);
                case LayerOutcome.Skipped s -> new LayerJson(layer.digest().toString(), layer.mediaType(), layer.size(),
                        "skipped", null, null, null, s.reason().message());
            };
        }
    }

    /** One platform as {@code --json} shows it. */
    record PlatformJson(String platform, String sourceManifest, String imageManifest, String sociIndex, long sociIndexSize,
                        int layersIndexed, int layersSkipped, List<LayerJson> layers) {
        static PlatformJson of(PlatformIndex p) {
            List<LayerJson> layers = p.layers().stream().map(LayerJson::of).toList();
            int skipped = (int) layers.stream().filter(l -> l.status().equals("skipped")).count();
            return new PlatformJson(p.platform().toString(), p.sourceManifest().digest().toString(),
                    p.imageManifest().digest().toString(), p.sociIndex().digest().toString(), p.sociIndex().size(),
                    layers.size() - skipped, skipped, layers);
        }
    }

    static List<PlatformJson> json(List<PlatformIndex> platforms) {
        return platforms.stream().map(PlatformJson::of).toList();
    }

    /** The platform table (with the full SOCI index digests, to paste into {@code soci index info}), then the layer table. */
    static void print(PrintWriter out, List<PlatformIndex> platforms) {
        List<PlatformJson> json = json(platforms);
        Table summary = new Table("PLATFORM", "SOCI INDEX", "INDEXED>", "SKIPPED>");
        for (PlatformJson p : json) summary.row(p.platform(), p.sociIndex(), p.layersIndexed(), p.layersSkipped());
        summary.print(out);
        out.println();
        Table layers = new Table("PLATFORM", "LAYER", "SIZE>", "RESULT", "ZTOC");
        for (PlatformJson p : json) {
            for (LayerJson l : p.layers()) {
                String result = l.reason() == null ? l.status() : "skipped: " + l.reason();
                layers.row(p.platform(), abbreviate(l.digest()), Sizes.bytes(l.size()), result,
                        l.ztoc() == null ? "-" : abbreviate(l.ztoc()));
            }
        }
        layers.print(out);
    }

    /** {@code sha256:3f1a2b3c4d5e…}: enough to tell layers apart in a table; {@code --json} has the full digests. */
    static String abbreviate(String digest) {
        int colon = digest.indexOf(':');
        return digest.length() > colon + 13 ? digest.substring(0, colon + 13) + "…" : digest;
    }
}
