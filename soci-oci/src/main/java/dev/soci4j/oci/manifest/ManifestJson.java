package dev.soci4j.oci.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.soci4j.oci.MediaTypes;
import java.io.IOException;

/**
 * The one Jackson mapper for OCI JSON: unknown fields ignored (image-spec: "implementations MUST
 * ignore unknown properties"), empty fields left out, so what we write is what registries expect.
 * Thread-safe.
 */
public final class ManifestJson {
    private ManifestJson() {}

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .serializationInclusion(JsonInclude.Include.NON_EMPTY)
            .build();

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * Parses manifest bytes. The media type comes from the JSON's own {@code mediaType} when present,
     * else from {@code declaredMediaType} (the Content-Type or descriptor), else from the shape
     * ({@code manifests} means an index).
     */
    public static Manifest parse(byte[] bytes, String declaredMediaType) throws IOException {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new InvalidManifestException("manifest is not JSON: " + e.getOriginalMessage(), e);
        }
        if (tree == null || !tree.isObject()) throw new InvalidManifestException("manifest is not a JSON object");
        String mediaType = tree.hasNonNull("mediaType") ? tree.get("mediaType").asText() : MediaTypes.stripParameters(declaredMediaType);
        boolean index = mediaType != null && MediaTypes.isIndex(mediaType)
                || (mediaType == null || !MediaTypes.isManifest(mediaType)) && tree.has("manifests");
        try {
            if (index) {
                return MAPPER.treeToValue(tree, ImageIndex.class);
            }
            return MAPPER.treeToValue(tree, ImageManifest.class);
        } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
            throw new InvalidManifestException("invalid " + (index ? "index" : "manifest") + ": " + e.getMessage(), e);
        }
    }
}
