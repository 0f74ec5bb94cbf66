package dev.soci4j.builder;

import dev.soci4j.builder.event.ManifestPushed;
import dev.soci4j.oci.Digest;
import java.util.Objects;

/**
 * One image to index: the pushed digest, and the tag it was pushed under (the converted image's tag
 * derives from it). Immutable.
 *
 * @param registry   registry host as the event named it (mapped to an address by {@code registries:})
 */
public record BuildTarget(String registry, String repository, String tag, Digest digest) {
    public BuildTarget {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(digest, "digest");
    }

    public static BuildTarget of(ManifestPushed push) {
        return new BuildTarget(push.registry(), push.repository(), push.tag(), push.digest());
    }

    /**
     * What deduplication compares: the same digest builds once. v2 writes one converted image per tag,
     * so the tag is part of its key; v1 pushes one index per digest whatever the tag.
     */
    public String key(BuilderConfig.Mode mode) {
        return switch (mode) {
            case V2 -> registry + "/" + repository + "@" + digest + "#" + tag;
            case V1 -> registry + "/" + repository + "@" + digest;
        };
    }

    @Override
    public String toString() {
        return registry + "/" + repository + ":" + tag + "@" + digest;
    }
}
