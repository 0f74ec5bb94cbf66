/**
 * An image mounted at a directory: SOCI index discovery, one FUSE layer per image layer under the
 * state dir (un-indexed layers downloaded whole), a read-only overlayfs on top, stats per layer and
 * their Prometheus metrics ({@link dev.soci4j.fs.mount.MetricsEndpoint}).
 */
package dev.soci4j.fs.mount;
