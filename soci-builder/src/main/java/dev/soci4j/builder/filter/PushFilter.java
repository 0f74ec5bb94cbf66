package dev.soci4j.builder.filter;

import dev.soci4j.builder.event.ManifestPushed;
import java.util.Optional;

/** What the intake and the Lambda handler ask of a push before queueing or building it. Immutable. */
public record PushFilter(RepoTagFilter include, LoopGuard loopGuard) {
    /** Why this push must not start a build (soci4j's own output, or not included), or empty. */
    public Optional<String> rejection(ManifestPushed push) {
        Optional<String> own = loopGuard.ownTag(push.tag());
        if (own.isPresent()) return own;
        if (!include.admits(push.repository(), push.tag())) return Optional.of("no filter matches " + push.repository() + ":" + push.tag());
        return Optional.empty();
    }
}
