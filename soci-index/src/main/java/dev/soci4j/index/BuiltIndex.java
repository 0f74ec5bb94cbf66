package dev.soci4j.index;

import java.util.List;

/**
 * A SOCI index built for one image manifest and stored (with its zTOCs) in the local store.
 *
 * @param manifest the index manifest bytes (what gets pushed)
 * @param layers   per image layer, in order, what happened to it
 */
public record BuiltIndex(SociIndex index, dev.soci4j.oci.manifest.RawManifest manifest, List<LayerOutcome> layers) {
    public BuiltIndex {
        layers = List.copyOf(layers);
    }

    public long indexedLayers() {
        return layers.stream().filter(l -> l instanceof LayerOutcome.Indexed).count();
    }
}
