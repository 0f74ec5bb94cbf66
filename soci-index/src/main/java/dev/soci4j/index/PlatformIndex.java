package dev.soci4j.index;

import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Platform;
import java.util.List;

/**
 * The SOCI index built for one platform of an image.
 *
 * @param sourceManifest the platform's image manifest as it was
 * @param imageManifest  the manifest runtimes see: for v2 the rewritten one (OCI types, index-digest annotation), for v1 the same as the source
 * @param sociIndex      the SOCI index manifest (mediaType OCI manifest, artifactType the SOCI type)
 * @param layers         what happened to each layer, in order
 */
public record PlatformIndex(Platform platform, Descriptor sourceManifest, Descriptor imageManifest, Descriptor sociIndex,
                            List<LayerOutcome> layers) {
    public PlatformIndex {
        layers = List.copyOf(layers);
    }
}
