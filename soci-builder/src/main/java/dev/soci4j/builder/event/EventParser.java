package dev.soci4j.builder.event;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.soci4j.oci.Digest;
import java.util.List;

/**
 * Turns a notification body into {@link RegistryEvent}s, recognising the sender by shape:
 * <ul>
 *   <li>CNCF distribution: {@code {"events":[...]}} ({@link DistributionEvents});</li>
 *   <li>Harbor webhook: {@code {"type":"PUSH_ARTIFACT","event_data":{...}}} ({@link HarborEvents});</li>
 *   <li>EventBridge: {@code {"detail-type":"ECR Image Action","detail":{...}}} ({@link EcrEvents}).</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class EventParser {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private EventParser() {}

    public static List<RegistryEvent> parse(byte[] body) throws MalformedEventException {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new MalformedEventException("not JSON: " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new MalformedEventException("unreadable body: " + e.getMessage(), e);
        }
        if (!(root instanceof ObjectNode obj)) throw new MalformedEventException("expected a JSON object, got " + (root == null ? "nothing" : root.getNodeType()));
        if (obj.has("events")) return DistributionEvents.parse(obj);
        if (obj.has("event_data") || obj.has("type") && obj.has("occur_at")) return HarborEvents.parse(obj);
        if (obj.has("detail-type") || obj.has("detail")) return List.of(EcrEvents.parse(obj));
        throw new MalformedEventException("unknown notification format: expected \"events\" (distribution), \"event_data\" (Harbor) or \"detail\" (EventBridge)");
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    static Digest digest(String text, String where) throws MalformedEventException {
        try {
            return Digest.parse(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException(where + ": bad digest '" + text + "': " + e.getMessage());
        }
    }
}
