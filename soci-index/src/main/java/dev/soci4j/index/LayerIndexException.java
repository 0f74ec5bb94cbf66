package dev.soci4j.index;

import dev.soci4j.oci.Digest;
import java.io.IOException;

/** Building the zTOC of one layer failed; the message names image, layer and the cause. */
public class LayerIndexException extends IOException {
    private final Digest layer;

    public LayerIndexException(String image, Digest layer, IOException cause) {
        super("indexing layer %s of %s failed: %s".formatted(layer, image, cause.getMessage()), cause);
        this.layer = layer;
    }

    public Digest layer() {
        return layer;
    }
}
