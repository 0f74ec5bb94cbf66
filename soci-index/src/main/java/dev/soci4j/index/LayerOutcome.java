package dev.soci4j.index;

import dev.soci4j.oci.Descriptor;

/** What happened to one image layer while building an index. */
public sealed interface LayerOutcome {
    Descriptor layer();

    /** A zTOC was built, or reused from the local store. */
    record Indexed(Descriptor layer, IndexedLayer ztoc, boolean reused) implements LayerOutcome {}

    /** No zTOC: the layer is pulled whole at run time. */
    record Skipped(Descriptor layer, SkipReason reason) implements LayerOutcome {}

    enum SkipReason {
        /** Descriptor size under {@link BuildOptions#minLayerSizeBytes()}. */
        BELOW_MIN_SIZE("smaller than the minimum layer size"),
        /** zstd layers are not indexed, as in the reference. */
        ZSTD("zstd layers are not indexed, as in the reference");

        private final String message;

        SkipReason(String message) {
            this.message = message;
        }

        public String message() {
            return message;
        }
    }
}
