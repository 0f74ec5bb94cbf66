/**
 * soci-fs: the runtime half of SOCI. An image is mounted read-only with its file contents fetched
 * lazily, span by span, from the registry ({@code issue 6}).
 *
 * <p>Entry points: {@link dev.soci4j.fs.mount.ImageMount#mount} (an image at a directory, as
 * {@code soci mount} does) with {@link dev.soci4j.fs.mount.MountOptions}; one layer alone is
 * {@link dev.soci4j.fs.layer.LayerFilesystem} over a {@link dev.soci4j.fs.layer.LayerTree} and a
 * {@link dev.soci4j.fs.span.SpanManager}, served by {@link dev.soci4j.fs.fuse.FuseMount}.
 *
 * <p>Packages: {@code fs.span} (span fetch-once, verification, on-disk cache), {@code fs.fetch}
 * (registry Range source, background fetch), {@code fs.layer} (the tree a zTOC describes, with stable
 * node ids and overlayfs whiteouts), {@code fs.fuse} (the FUSE kernel protocol on /dev/fuse and
 * mount(2) through FFM: the only package here that touches native code), {@code fs.mount} (image
 * mount: index discovery, one FUSE mount per layer, overlayfs, state dir and stats).
 */
package dev.soci4j.fs;
