package dev.soci4j.builder.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Harbor webhooks (HTTP policy, "default" payload): {@code {"type":"PUSH_ARTIFACT","event_data":
 * {"resources":[{"digest","tag","resource_url"}],"repository":{"repo_full_name"}}}}. Only
 * {@code PUSH_ARTIFACT} with a tag starts a build; the registry host is the part of
 * {@code resource_url} before the first '/'. Harbor does not send the media type.
 */
final class HarborEvents {
    static final String SOURCE = "harbor";
    static final String PUSH_ARTIFACT = "PUSH_ARTIFACT";

    private HarborEvents() {}

    static List<RegistryEvent> parse(JsonNode body) throws MalformedEventException {
        String type = EventParser.text(body, "type");
        if (type.isEmpty()) throw new MalformedEventException("harbor webhook: no \"type\"");
        if (!type.equals(PUSH_ARTIFACT)) return List.of(new OtherEvent(SOURCE, type));
        JsonNode data = body.get("event_data");
        if (data == null || !data.isObject()) throw new MalformedEventException("harbor PUSH_ARTIFACT: no \"event_data\" object");
        String repository = EventParser.text(data.path("repository"), "repo_full_name");
        if (repository.isEmpty()) throw new MalformedEventException("harbor PUSH_ARTIFACT: no event_data.repository.repo_full_name");
        JsonNode resources = data.get("resources");
        if (resources == null || !resources.isArray()) throw new MalformedEventException("harbor PUSH_ARTIFACT: event_data.resources must be an array");
        List<RegistryEvent> out = new ArrayList<>();
        int i = 0;
        for (JsonNode r : resources) {
            String where = "harbor event_data.resources[" + i++ + "]";
            String tag = EventParser.text(r, "tag");
            if (tag.isEmpty()) {
                out.add(new OtherEvent(SOURCE, "untagged push"));
                continue;
            }
            var digest = EventParser.digest(EventParser.text(r, "digest"), where);
            String url = EventParser.text(r, "resource_url");
            int slash = url.indexOf('/');
            if (slash <= 0) throw new MalformedEventException(where + ": resource_url '" + url + "' does not start with the registry host");
            out.add(new ManifestPushed(SOURCE, url.substring(0, slash), repository, tag, digest, ""));
        }
        return out;
    }
}
