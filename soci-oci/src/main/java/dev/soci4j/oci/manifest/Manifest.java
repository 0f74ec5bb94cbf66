package dev.soci4j.oci.manifest;

import dev.soci4j.oci.Descriptor;
import java.util.Map;
import java.util.Optional;

/** A parsed manifest: a single image (or artifact) manifest, or an index. */
public sealed interface Manifest permits ImageManifest, ImageIndex {
    String mediaType();

    Map<String, String> annotations();

    /** The manifest this one refers to (image-spec manifest.md "subject"), for referrers. */
    Optional<Descriptor> subjectIfAny();
}
