package dev.soci4j.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.Digest;
import dev.soci4j.oci.MediaTypes;
import dev.soci4j.oci.manifest.ImageManifest;
import dev.soci4j.oci.manifest.InvalidManifestException;
import dev.soci4j.oci.manifest.ManifestJson;
import dev.soci4j.oci.manifest.RawManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A SOCI index manifest, v1 or v2 ({@code soci-format.md §4}). Immutable.
 *
 * <p>{@link #toRawManifest()} is deterministic: the same index always gives the same bytes, in the
 * field order the reference's Go structs serialize (schemaVersion, mediaType, config, layers,
 * subject, annotations; descriptors mediaType, digest, size, annotations with sorted keys), so
 * re-running a conversion yields the same digests.
 *
 * @param subject the image manifest a v1 index refers to; null for v2
 */
public record SociIndex(SociVersion version, List<IndexedLayer> layers, Descriptor subject) {
    /** The empty JSON object that is every SOCI index's config (image-spec "empty descriptor"). */
    public static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.UTF_8);
    public static final Digest EMPTY_CONFIG_DIGEST =
            Digest.parse("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");

    public SociIndex {
        Objects.requireNonNull(version, "version");
        layers = List.copyOf(layers);
        if (layers.isEmpty()) throw new IllegalArgumentException("a SOCI index needs at least one zTOC (soci-format.md §4)");
        if (version == SociVersion.V1 && subject == null) throw new IllegalArgumentException("a SOCI index v1 needs a subject");
        if (version == SociVersion.V2 && subject != null) throw new IllegalArgumentException("a SOCI index v2 has no subject");
    }

    /** The config descriptor: the empty blob, typed with the artifact type. */
    public Descriptor config() {
        return new Descriptor(version.artifactType(), EMPTY_CONFIG_DIGEST, EMPTY_CONFIG.length);
    }

    public RawManifest toRawManifest() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("schemaVersion", 2);
        root.put("mediaType", MediaTypes.OCI_MANIFEST);
        root.set("config", descriptorNode(config()));
        ArrayNode array = root.putArray("layers");
        for (IndexedLayer layer : layers) array.add(descriptorNode(layer.descriptor()));
        if (subject != null) root.set("subject", descriptorNode(new Descriptor(subject.mediaType(), subject.digest(), subject.size())));
        root.putObject("annotations").put(SociAnnotations.BUILD_TOOL_IDENTIFIER, SociAnnotations.BUILD_TOOL);
        return new RawManifest(MediaTypes.OCI_MANIFEST, ManifestJson.write(root));
    }

    private static ObjectNode descriptorNode(Descriptor d) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("mediaType", d.mediaType());
        node.put("digest", d.digest().toString());
        node.put("size", d.size());
        if (!d.annotations().isEmpty()) {
            ObjectNode a = node.putObject("annotations");
            d.annotations().forEach(a::put); // sorted: Descriptor keeps annotations in a TreeMap
        }
        return node;
    }

    /** Whether manifest bytes are a SOCI index (a manifest whose config media type is a SOCI artifact type). */
    public static boolean isSociIndex(RawManifest raw) {
        if (!MediaTypes.OCI_MANIFEST.equals(raw.mediaType())) return false;
        try {
            JsonNode tree = ManifestJson.MAPPER.readTree(raw.bytes());
            return SociVersion.ofArtifactType(tree.path("config").path("mediaType").asText()).isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    /** Parses an index pulled from a registry or the local store; rejects anything else with a message naming its digest. */
    public static SociIndex parse(RawManifest raw) throws IOException {
        if (!(raw.parse() instanceof ImageManifest m))
            throw new InvalidManifestException("%s is an image index, not a SOCI index".formatted(raw.digest()));
        SociVersion version = SociVersion.ofArtifactType(m.config().mediaType()).orElseThrow(() -> new InvalidManifestException(
                "%s is not a SOCI index: config media type %s".formatted(raw.digest(), m.config().mediaType())));
        try {
            return new SociIndex(version, m.layers().stream()
                    .filter(d -> MediaTypes.SOCI_ZTOC.equals(d.mediaType()))
                    .map(IndexedLayer::of).toList(), version == SociVersion.V1 ? m.subject() : null);
        } catch (IllegalArgumentException e) {
            throw new InvalidManifestException("SOCI index %s: %s".formatted(raw.digest(), e.getMessage()), e);
        }
    }

    /** The zTOC of {@code layer}, if this index has one. */
    public java.util.Optional<IndexedLayer> ztocFor(Digest layer) {
        return layers.stream().filter(l -> l.layerDigest().equals(layer)).findFirst();
    }

    /** zTOC digest → layer digest, in layer order. */
    public Map<Digest, Digest> ztocsByDigest() {
        Map<Digest, Digest> out = new java.util.LinkedHashMap<>();
        for (IndexedLayer l : layers) out.put(l.ztoc(), l.layerDigest());
        return out;
    }
}
