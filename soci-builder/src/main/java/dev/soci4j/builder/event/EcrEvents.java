package dev.soci4j.builder.event;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * EventBridge "ECR Image Action" events ({@code source: aws.ecr}): {@code detail} has
 * {@code action-type} (PUSH, DELETE), {@code result} (SUCCESS, FAILURE), {@code repository-name},
 * {@code image-digest} and {@code image-tag} (absent for untagged pushes). The registry host is
 * {@code <account>.dkr.ecr.<region>.amazonaws.com} from the envelope's {@code account} and {@code region}.
 */
public final class EcrEvents {
    static final String SOURCE = "ecr";
    public static final String DETAIL_TYPE = "ECR Image Action";

    private EcrEvents() {}

    /** Parses one EventBridge event (what the Lambda handler receives, and what a webhook may forward). */
    public static RegistryEvent parse(JsonNode event) throws MalformedEventException {
        String detailType = EventParser.text(event, "detail-type");
        if (!detailType.equals(DETAIL_TYPE)) return new OtherEvent(SOURCE, detailType.isEmpty() ? "no detail-type" : detailType);
        JsonNode detail = event.get("detail");
        if (detail == null || !detail.isObject()) throw new MalformedEventException("EventBridge " + DETAIL_TYPE + ": no \"detail\" object");
        String action = EventParser.text(detail, "action-type");
        String result = EventParser.text(detail, "result");
        if (!action.equals("PUSH")) return new OtherEvent(SOURCE, action.isEmpty() ? "no action-type" : action.toLowerCase(java.util.Locale.ROOT));
        if (!result.equals("SUCCESS")) return new OtherEvent(SOURCE, "push " + (result.isEmpty() ? "without result" : result.toLowerCase(java.util.Locale.ROOT)));
        String tag = EventParser.text(detail, "image-tag");
        if (tag.isEmpty()) return new OtherEvent(SOURCE, "untagged push");
        String repository = EventParser.text(detail, "repository-name");
        if (repository.isEmpty()) throw new MalformedEventException("EventBridge " + DETAIL_TYPE + ": no detail.repository-name");
        var digest = EventParser.digest(EventParser.text(detail, "image-digest"), "EventBridge detail.image-digest");
        String account = EventParser.text(event, "account");
        String region = EventParser.text(event, "region");
        if (account.isEmpty() || region.isEmpty()) throw new MalformedEventException("EventBridge " + DETAIL_TYPE + ": needs \"account\" and \"region\" to name the registry");
        return new ManifestPushed(SOURCE, registryHost(account, region), repository, tag, digest, EventParser.text(detail, "manifest-media-type"));
    }

    /** The ECR registry host of an account and region. */
    public static String registryHost(String account, String region) {
        return account + ".dkr.ecr." + region + ".amazonaws.com";
    }
}
