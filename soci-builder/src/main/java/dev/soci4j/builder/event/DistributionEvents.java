package dev.soci4j.builder.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soci4j.oci.MediaTypes;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * CNCF distribution notifications ({@code docs/notifications.md}): an envelope {@code {"events":[...]}},
 * each event with {@code action}, {@code target} (mediaType, digest, repository, tag, url) and
 * {@code request.host}. The registry also reports every blob upload and every read (the lab's
 * listener saw one pull event per blob GET), so only {@code push} of a manifest or index with a tag
 * becomes a {@link ManifestPushed}.
 */
final class DistributionEvents {
    static final String SOURCE = "distribution";

    private DistributionEvents() {}

    static List<RegistryEvent> parse(JsonNode envelope) throws MalformedEventException {
        JsonNode events = envelope.get("events");
        if (events == null || !events.isArray()) throw new MalformedEventException("distribution envelope: \"events\" must be an array");
        List<RegistryEvent> out = new ArrayList<>();
        int i = 0;
        for (JsonNode e : events) {
            out.add(parseOne(e, "events[" + i++ + "]"));
        }
        return out;
    }

    private static RegistryEvent parseOne(JsonNode e, String where) throws MalformedEventException {
        if (!e.isObject()) throw new MalformedEventException(where + ": expected an object");
        String action = EventParser.text(e, "action");
        JsonNode target = e.get("target");
        if (action.isEmpty() || target == null || !target.isObject()) throw new MalformedEventException(where + ": needs \"action\" and \"target\"");
        String mediaType = MediaTypes.stripParameters(EventParser.text(target, "mediaType"));
        boolean manifest = MediaTypes.ALL_MANIFESTS.contains(mediaType);
        if (!action.equals("push")) return new OtherEvent(SOURCE, action);
        if (!manifest) return new OtherEvent(SOURCE, "blob push");
        String tag = EventParser.text(target, "tag");
        if (tag.isEmpty()) return new OtherEvent(SOURCE, "untagged push");
        String repository = EventParser.text(target, "repository");
        if (repository.isEmpty()) throw new MalformedEventException(where + ": push without target.repository");
        var digest = EventParser.digest(EventParser.text(target, "digest"), where);
        String host = EventParser.text(e.path("request"), "host");
        if (host.isEmpty()) host = hostOf(EventParser.text(target, "url"));
        if (host.isEmpty()) throw new MalformedEventException(where + ": push without request.host or target.url: cannot tell the registry");
        return new ManifestPushed(SOURCE, host, repository, tag, digest, mediaType);
    }

    private static String hostOf(String url) {
        if (url.isEmpty()) return "";
        try {
            String authority = URI.create(url).getRawAuthority();
            return authority == null ? "" : authority;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
