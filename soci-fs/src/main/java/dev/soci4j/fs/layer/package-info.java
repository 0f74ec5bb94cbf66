/**
 * One layer as a filesystem: the tree its zTOC describes (implied parents, hardlinks, devices,
 * whiteouts as overlayfs wants them, cleaned names) with node ids derived from the zTOC alone, and
 * the read-only FUSE answers over it.
 */
package dev.soci4j.fs.layer;
