/**
 * The FUSE kernel protocol ({@code linux/fuse.h}, 7.31) served on a {@code /dev/fuse} fd, and the
 * mount(2)/umount2(2) calls, through the FFM API with libc loaded by absolute path
 * ({@code -Dsoci4j.libc.path}). Without root, FUSE is mounted and unmounted through the setuid
 * fusermount3 ({@code -Dsoci4j.fusermount.path}), which passes the {@code /dev/fuse} fd back over a
 * socket. The only package of soci-fs that imports {@code java.lang.foreign}.
 * The server is stateless (no FORGET bookkeeping, handles carry nothing), so any process holding
 * the fd could answer.
 */
package dev.soci4j.fs.fuse;
