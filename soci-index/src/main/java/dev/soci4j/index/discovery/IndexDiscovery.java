package dev.soci4j.index.discovery;

import dev.soci4j.index.SociAnnotations;
import dev.soci4j.index.SociVersion;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.layout.ImageStore;
import dev.soci4j.oci.manifest.ImageManifest;
import dev.soci4j.oci.manifest.RawManifest;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Finds the SOCI index of an image manifest the way runtimes do ({@code soci-format.md §4}
 * "Discovery"): an explicit index digest; else the v2 {@code com.amazon.soci.index-digest}
 * annotation; else, only when v1 is enabled, the referrers of the manifest (referrers API or the
 * fallback tag) with the v1 artifact type; else none, and the image is pulled normally. Stateless.
 */
public final class IndexDiscovery {
    private IndexDiscovery() {}

    /** How the index was found. */
    public enum Via { EXPLICIT, ANNOTATION, REFERRERS }

    /** A found index: its digest, the version when known (an explicit digest says nothing), and how. */
    public record Found(Digest index, Optional<SociVersion> version, Via via) {}

    /**
     * @param store          where the image lives (a registry repository or a layout)
     * @param imageManifest  the platform image manifest, as pulled
     * @param explicitIndex  a digest the user gave, or null
     * @param v1Enabled      whether to look for v1 indexes through referrers (off by default in current runtimes)
     */
    public static Optional<Found> discover(ImageStore store, RawManifest imageManifest, Digest explicitIndex, boolean v1Enabled) throws IOException {
        if (explicitIndex != null) return Optional.of(new Found(explicitIndex, Optional.empty(), Via.EXPLICIT));
        if (imageManifest.parse() instanceof ImageManifest m) {
            String annotated = m.annotations().get(SociAnnotations.INDEX_DIGEST);
            if (annotated != null) {
                try {
                    return Optional.of(new Found(Digest.parse(annotated), Optional.of(SociVersion.V2), Via.ANNOTATION));
                } catch (IllegalArgumentException e) {
                    throw new dev.soci4j.oci.manifest.InvalidManifestException("manifest %s: bad %s annotation '%s'"
                            .formatted(imageManifest.digest(), SociAnnotations.INDEX_DIGEST, annotated), e);
                }
            }
        }
        if (!v1Enabled) return Optional.empty();
        List<Descriptor> referrers = store.referrers(imageManifest.digest()).stream()
                .filter(d -> SociVersion.V1.artifactType().equals(d.artifactType())).toList();
        // several v1 indexes: the last listed is the newest push on the fallback tag, as in the reference
        return referrers.isEmpty() ? Optional.empty()
                : Optional.of(new Found(referrers.getLast().digest(), Optional.of(SociVersion.V1), Via.REFERRERS));
    }
}
