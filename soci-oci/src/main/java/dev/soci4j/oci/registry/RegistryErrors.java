package dev.soci4j.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soci4j.oci.manifest.ManifestJson;
import java.util.ArrayList;
import java.util.List;

/** Reads the distribution-spec error body {@code {"errors":[{"code","message","detail"}]}} for messages. */
final class RegistryErrors {
    private RegistryErrors() {}

    /** {@code MANIFEST_UNKNOWN: manifest unknown}, or the raw body (cut short) when it is not that shape. */
    static String summarize(String body) {
        if (body == null || body.isBlank()) return "";
        try {
            JsonNode errors = ManifestJson.MAPPER.readTree(body).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                List<String> parts = new ArrayList<>();
                for (JsonNode e : errors) parts.add(e.path("code").asText("?") + ": " + e.path("message").asText(""));
                return String.join("; ", parts);
            }
        } catch (java.io.IOException | RuntimeException notJson) {
            // fall through to the raw text
        }
        return body.length() > 200 ? body.substring(0, 200) + "…" : body;
    }

    static boolean hasCode(String body, String code) {
        return body != null && body.contains("\"" + code + "\"");
    }
}
