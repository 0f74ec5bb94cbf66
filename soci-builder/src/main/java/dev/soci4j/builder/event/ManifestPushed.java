package dev.soci4j.builder.event;

import dev.soci4j.oci.Digest;
import java.util.Objects;

/**
 * A tagged manifest or image index was pushed: the only event that can start a build. Immutable.
 *
 * @param source     sender format ({@code distribution}, {@code harbor}, {@code ecr})
 * @param registry   the registry host as the sender names it ({@code host[:port]})
 * @param repository repository path without the registry ({@code library/nginx})
 * @param tag        the pushed tag (never empty: untagged pushes are {@link OtherEvent}s)
 * @param digest     the manifest's digest
 * @param mediaType  the manifest's media type, or empty when the sender does not say (Harbor, ECR)
 */
public record ManifestPushed(String source, String registry, String repository, String tag, Digest digest, String mediaType)
        implements RegistryEvent {
    public ManifestPushed {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(digest, "digest");
        mediaType = mediaType == null ? "" : mediaType;
        if (registry == null || registry.isBlank()) throw new IllegalArgumentException("push of " + digest + ": no registry host");
        if (repository == null || repository.isBlank()) throw new IllegalArgumentException("push of " + digest + ": no repository");
        if (tag == null || tag.isBlank()) throw new IllegalArgumentException("push of " + repository + "@" + digest + ": no tag");
    }

    /** {@code registry/repository:tag@digest}, for logs. */
    public String image() {
        return registry + "/" + repository + ":" + tag + "@" + digest;
    }
}
