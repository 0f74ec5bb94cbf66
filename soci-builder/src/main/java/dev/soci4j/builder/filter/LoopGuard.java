package dev.soci4j.builder.filter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soci4j.index.SociAnnotations;
import dev.soci4j.index.SociIndex;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.manifest.ManifestJson;
import dev.soci4j.oci.manifest.RawManifest;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Keeps the builder from indexing its own output (which would push again, and trigger again):
 * <ul>
 *   <li>by tag, before anything is fetched: the converted-image suffix ({@code -soci}) and the
 *       referrers fallback tag {@code sha256-<hex>} that SOCI v1 pushes create;</li>
 *   <li>by content, once the manifest is fetched (Harbor and ECR do not say what was pushed, and an
 *       in-place conversion re-pushes the same tag): a SOCI index manifest, an image index that lists
 *       SOCI index descriptors, or a manifest carrying {@code com.amazon.soci.index-digest}.</li>
 * </ul>
 * Immutable.
 */
public record LoopGuard(String tagSuffix) {
    public static final String DEFAULT_TAG_SUFFIX = "-soci";
    private static final Pattern FALLBACK_TAG = Pattern.compile("sha256-[0-9a-f]{64}");

    public LoopGuard {
        if (tagSuffix == null || tagSuffix.isEmpty()) throw new IllegalArgumentException("tag suffix must not be empty: converted images would trigger builds");
    }

    /** Why a push of this tag is soci4j's own, or empty. */
    public Optional<String> ownTag(String tag) {
        if (tag.endsWith(tagSuffix)) return Optional.of("tag ends with " + tagSuffix + " (a converted image)");
        if (FALLBACK_TAG.matcher(tag).matches()) return Optional.of("referrers fallback tag");
        return Optional.empty();
    }

    /** Why this manifest is soci4j's own output (or already has SOCI indexes), or empty. */
    public static Optional<String> ownContent(RawManifest raw) throws IOException {
        if (SociIndex.isSociIndex(raw)) return Optional.of("a SOCI index manifest");
        JsonNode m = ManifestJson.MAPPER.readTree(raw.bytes());
        if (m.path("annotations").has(SociAnnotations.INDEX_DIGEST)) return Optional.of("already a SOCI-converted image manifest");
        if (MediaTypes.isIndex(MediaTypes.stripParameters(raw.mediaType()))) {
            for (JsonNode child : m.path("manifests")) {
                String artifactType = child.path("artifactType").asText("");
                if (artifactType.equals(MediaTypes.SOCI_INDEX_V2) || artifactType.equals(MediaTypes.SOCI_INDEX_V1)
                        || child.path("annotations").has(SociAnnotations.INDEX_DIGEST)
                        || child.path("annotations").has(SociAnnotations.IMAGE_MANIFEST_DIGEST))
                    return Optional.of("already a SOCI-converted image index");
            }
        }
        return Optional.empty();
    }
}
