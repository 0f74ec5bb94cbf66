package dev.soci4j.fs.mount;

import dev.soci4j.oci.Digest;
import dev.soci4j.oci.Platform;
import java.nio.file.Path;

/**
 * How an image is mounted.
 *
 * @param stateDir        where layer mounts, caches and the stats file live (one per mount point)
 * @param explicitIndex   the SOCI index to use, or null to discover it
 * @param v1Enabled       whether v1 indexes found through referrers are accepted
 * @param backgroundFetch whether remaining spans stream in while idle
 * @param cacheLimitBytes on-disk span cache per layer
 * @param stacking        how the layers become one tree at the target
 */
public record MountOptions(Path stateDir, Platform platform, Digest explicitIndex, boolean v1Enabled,
                           boolean backgroundFetch, long cacheLimitBytes, int readerThreads, Stacking stacking) {
    /** How the layers are stacked at the mount point. */
    public enum Stacking {
        /** One FUSE mount per layer, stacked with a read-only overlayfs mount (needs root). */
        OVERLAY,
        /** One FUSE mount of all layers merged in-process with overlayfs's rules (any user, through fusermount3). */
        MERGED,
        /** OVERLAY as root, MERGED otherwise. */
        AUTO;

        /** AUTO resolved for this process. */
        public Stacking resolve() {
            if (this != AUTO) return this;
            return dev.soci4j.fs.fuse.FuseMount.isRoot() ? OVERLAY : MERGED;
        }
    }

    public MountOptions(Path stateDir, Platform platform, Digest explicitIndex, boolean v1Enabled,
                        boolean backgroundFetch, long cacheLimitBytes, int readerThreads) {
        this(stateDir, platform, explicitIndex, v1Enabled, backgroundFetch, cacheLimitBytes, readerThreads, Stacking.AUTO);
    }

    /** Default cache per layer: 10 GiB, enough to keep a large layer fully local once fetched. */
    public static final long DEFAULT_CACHE_LIMIT_BYTES = 10L << 30;

    public MountOptions {
        if (cacheLimitBytes <= 0) throw new IllegalArgumentException("cache limit must be positive: " + cacheLimitBytes);
        if (readerThreads <= 0) throw new IllegalArgumentException("reader threads must be positive: " + readerThreads);
        java.util.Objects.requireNonNull(stacking, "stacking");
    }
}
